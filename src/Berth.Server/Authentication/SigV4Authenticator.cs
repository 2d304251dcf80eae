using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.Registries;
using Berth.Core.SigV4;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Server.Authentication;

/// <summary>
/// Authenticates an AWS API call by its Signature Version 4: builds the verifier's request from the wire form of the
/// HTTP request and resolves the access key (and <c>X-Amz-Security-Token</c> for temporary credentials) through
/// <see cref="IdentityResolver"/> on every request. Inactive keys are unknown keys; expired session credentials get
/// ExpiredTokenException. For ECR every region with AWS's region syntax is served (a registry per account and region);
/// the call's region is the credential scope's, and a malformed one is refused as SigV4 refuses a region it does not
/// serve. IAM and STS pass their own region rule.
/// </summary>
internal sealed class SigV4Authenticator(SigV4Verifier verifier, IdentityResolver identities)
{
    public const string SecurityTokenName = "X-Amz-Security-Token";

    public ValueTask<(Principal? Principal, string? Region, SigV4Error? Error)> AuthenticateAsync(
        HttpContext context, ReadOnlyMemory<byte> body, string service, CancellationToken cancellationToken) =>
        AuthenticateAsync(context, body, service, RegistryIdentity.IsValidRegion, cancellationToken);

    public async ValueTask<(Principal? Principal, string? Region, SigV4Error? Error)> AuthenticateAsync(
        HttpContext context, ReadOnlyMemory<byte> body, string service, Predicate<string> acceptRegion, CancellationToken cancellationToken)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = values.Select(v => v ?? string.Empty).ToArray();
        }

        var request = new SigV4Request(
            context.Request.Method,
            question < 0 ? target : target[..question],
            question < 0 ? string.Empty : target[(question + 1)..],
            headers,
            SigV4Request.HashPayload(body.Span));

        var token = context.Request.Headers[SecurityTokenName].ToString() is { Length: > 0 } header ? header : context.Request.Query[SecurityTokenName].ToString();
        var sessionToken = token.Length > 0 ? token : null;
        CredentialLookup? lookup = null;
        var result = await verifier.VerifyAsync(request, acceptRegion, service, async (id, ct) =>
        {
            lookup = await identities.ResolveAsync(id, sessionToken, ct).ConfigureAwait(false);
            return lookup.Secret;
        }, cancellationToken).ConfigureAwait(false);

        if (lookup is { Expired: true })
        {
            return (null, null, SigV4Error.ExpiredToken());
        }

        if (!result.Succeeded)
        {
            return (null, null, result.Error);
        }

        // The token that was checked must be the one the signature covers.
        return result.Identity.SessionToken == sessionToken
            ? (lookup!.Principal, result.Identity.Region, null)
            : (null, null, SigV4Error.UnrecognizedClient());
    }
}
