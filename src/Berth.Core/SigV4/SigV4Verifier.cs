namespace Berth.Core.SigV4;

/// <summary>
/// Verifies AWS Signature Version 4 (header or presigned query form) on a request the server has already received.
/// Pure: no I/O apart from the caller's secret lookup; the clock comes from the injected <see cref="TimeProvider"/>.
/// Safe to share between threads. See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html.
/// </summary>
/// <remarks>
/// Checks run in the order AWS reports them: presence and syntax of the signature parameters
/// (<c>MissingAuthenticationTokenException</c>, <c>IncompleteSignatureException</c>), <c>host</c> signed, date format,
/// clock skew of ±15 minutes (or the presigned <c>X-Amz-Expires</c>), credential scope against the expected region and
/// service, then the access key (<c>UnrecognizedClientException</c>) and finally the signature itself
/// (<c>InvalidSignatureException</c>, also when an <c>X-Amz-Target</c> header is present but not signed).
/// </remarks>
public sealed class SigV4Verifier(TimeProvider time)
{
    /// <summary>How far the signed time may be from the server's clock, either way.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    /// <summary>The longest <c>X-Amz-Expires</c> SigV4 allows: one week.</summary>
    public const int MaxPresignedExpirySeconds = 604_800;

    /// <summary>
    /// Verifies <paramref name="request"/> for <paramref name="expectedRegion"/> and <paramref name="expectedService"/>.
    /// </summary>
    /// <param name="findSecret">
    /// Returns the secret access key of an access key id, or null when the key is unknown (or disabled). Called at most
    /// once, and only after every check that needs no secret passed.
    /// </param>
    /// <returns>The signer's identity, or the AWS error to answer with. Never throws for a bad request.</returns>
    public SigV4Result Verify(
        SigV4Request request, string expectedRegion, string expectedService, Func<string, string?> findSecret)
    {
        var (prepared, error) = Prepare(request, region => region == expectedRegion, expectedService);
        return prepared is null ? SigV4Result.Failure(error!) : prepared.Complete(findSecret(prepared.AccessKeyId));
    }

    /// <inheritdoc cref="Verify"/>
    /// <param name="findSecretAsync">As for <see cref="Verify"/>, for a secret that lives in a store.</param>
    /// <param name="cancellationToken">Passed to <paramref name="findSecretAsync"/>.</param>
    public ValueTask<SigV4Result> VerifyAsync(
        SigV4Request request,
        string expectedRegion,
        string expectedService,
        Func<string, CancellationToken, ValueTask<string?>> findSecretAsync,
        CancellationToken cancellationToken) =>
        VerifyAsync(request, region => region == expectedRegion, expectedService, findSecretAsync, cancellationToken);

    /// <summary>
    /// Verifies <paramref name="request"/> for any region <paramref name="acceptsRegion"/> accepts (a service that is
    /// served in many regions); the identity names the region of the credential scope.
    /// </summary>
    public async ValueTask<SigV4Result> VerifyAsync(
        SigV4Request request,
        Predicate<string> acceptsRegion,
        string expectedService,
        Func<string, CancellationToken, ValueTask<string?>> findSecretAsync,
        CancellationToken cancellationToken)
    {
        var (prepared, error) = Prepare(request, acceptsRegion, expectedService);
        if (prepared is null)
        {
            return SigV4Result.Failure(error!);
        }

        var secret = await findSecretAsync(prepared.AccessKeyId, cancellationToken).ConfigureAwait(false);
        return prepared.Complete(secret);
    }

    /// <summary>Every check that needs no secret; on success, the canonical request and string to sign.</summary>
    internal (PreparedSignature? Prepared, SigV4Error? Error) Prepare(
        SigV4Request request, string expectedRegion, string expectedService) =>
        Prepare(request, region => region == expectedRegion, expectedService);

    private (PreparedSignature? Prepared, SigV4Error? Error) Prepare(
        SigV4Request request, Predicate<string> acceptsRegion, string expectedService)
    {
        var headers = new HeaderLookup(request.Headers);
        var (parameters, error) = SignatureParameters.Read(request, headers);
        if (parameters is null)
        {
            return (null, error);
        }

        var signedHeaderNames = parameters.SignedHeaders.Split(';');
        if (!signedHeaderNames.Contains("host", StringComparer.OrdinalIgnoreCase)
            && !signedHeaderNames.Contains(":authority", StringComparer.Ordinal))
        {
            return (null, SigV4Error.HostNotSigned());
        }

        var parsed = parameters.IsHttpDate
            ? AmzDate.TryParseHttpDate(parameters.RawDate, out var signedAt)
            : AmzDate.TryParseBasic(parameters.RawDate, out signedAt);
        if (!parsed)
        {
            return (null, SigV4Error.DateNotIso8601(parameters.RawDate));
        }

        var timeError = CheckTime(parameters, signedAt);
        if (timeError is not null)
        {
            return (null, timeError);
        }

        var scope = parameters.Credential.Split('/');
        if (scope.Length != 5)
        {
            return (null, SigV4Error.CredentialNotFiveParts(parameters.Credential));
        }

        var amzDate = AmzDate.Format(signedAt);
        var scopeError = CheckScope(scope, amzDate, acceptsRegion, expectedService);
        if (scopeError is not null)
        {
            return (null, scopeError);
        }

        var canonicalRequest = CanonicalRequest.Build(
            request.Method,
            CanonicalUri.Path(request.RawPath, request.PathStyle),
            CanonicalUri.Query(request.RawQuery, parameters.IsPresigned ? "X-Amz-Signature" : null),
            headers,
            parameters.SignedHeaders,
            request.PayloadHash);
        var stringToSign = SigningKey.StringToSign(amzDate, string.Join('/', scope[1..]), canonicalRequest);
        // AWS requires X-Amz-Target among the signed headers when a request has one; its wording for the refusal is
        // not documented, so the request is refused as a signature that does not match (after the key lookup, as any
        // mismatch is).
        var unsignedTarget = headers.First("X-Amz-Target") is not null
            && !signedHeaderNames.Contains("x-amz-target", StringComparer.OrdinalIgnoreCase);
        return (new PreparedSignature(scope[0], scope[1], scope[2], scope[3], signedAt, parameters.Signature,
            parameters.SessionToken, parameters.IsPresigned, canonicalRequest, stringToSign, unsignedTarget), null);
    }

    private SigV4Error? CheckTime(SignatureParameters parameters, DateTimeOffset signedAt)
    {
        var now = time.GetUtcNow();
        if (signedAt > now + MaxClockSkew)
        {
            return SigV4Error.NotYetCurrent(signedAt, now, MaxClockSkew);
        }

        var window = MaxClockSkew;
        if (parameters.RawExpires is not null)
        {
            if (!int.TryParse(parameters.RawExpires, System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || seconds is < 1 or > MaxPresignedExpirySeconds)
            {
                return SigV4Error.InvalidExpires(parameters.RawExpires);
            }

            window = TimeSpan.FromSeconds(seconds);
        }

        return signedAt < now - window ? SigV4Error.Expired(signedAt, now, window) : null;
    }

    private static SigV4Error? CheckScope(string[] scope, string amzDate, Predicate<string> acceptsRegion, string expectedService)
    {
        var problems = new List<string>();
        if (!acceptsRegion(scope[2]))
        {
            problems.Add($"Credential should be scoped to a valid region, not '{scope[2]}'.");
        }

        if (scope[3] != expectedService)
        {
            problems.Add($"Credential should be scoped to correct service: '{expectedService}'.");
        }

        if (scope[4] != SigningKey.Terminator)
        {
            problems.Add($"Credential should be scoped with a valid terminator: '{SigningKey.Terminator}', not '{scope[4]}'.");
        }

        if (scope[1] != amzDate[..8])
        {
            problems.Add("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
                $"'{scope[1]}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        return problems.Count == 0 ? null : SigV4Error.ScopeMismatch(problems);
    }
}
