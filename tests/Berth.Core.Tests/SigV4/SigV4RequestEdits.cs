using System.Text.RegularExpressions;
using Berth.Core.SigV4;

namespace Berth.Core.Tests.SigV4;

/// <summary>Small edits of a signed request for the failure tests.</summary>
internal static partial class SigV4RequestEdits
{
    /// <summary>Replaces every value of <paramref name="name"/>, or removes the header when the value is null.</summary>
    public static SigV4Request WithHeader(this SigV4Request request, string name, string? value)
    {
        var headers = request.Headers
            .Where(h => !string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        if (value is not null)
        {
            headers[name] = [value];
        }

        return request with { Headers = headers };
    }

    public static string Authorization(this SigV4Request request) => request.Headers["Authorization"].Single();

    /// <summary>
    /// Signs the request again with <paramref name="secret"/>, after an edit that invalidated the signature, using
    /// the verifier's own canonical request. Only for tests of checks other than the canonicalization itself.
    /// </summary>
    public static SigV4Request Resign(this SigV4Request request, string secret, string region, string service,
        DateTimeOffset now)
    {
        var (prepared, error) = new SigV4Verifier(new FixedTimeProvider(now)).Prepare(request, region, service);
        Assert.Null(error);
        var signature = SigningKey.Sign(
            SigningKey.Derive(secret, prepared!.ScopeDate, region, service), prepared.StringToSign);
        return prepared.IsPresigned
            ? request with { RawQuery = QuerySignature().Replace(request.RawQuery, "X-Amz-Signature=" + signature) }
            : request.WithHeader("Authorization",
                HeaderSignature().Replace(request.Authorization(), "Signature=" + signature));
    }

    [GeneratedRegex("Signature=[0-9a-f]*")]
    private static partial Regex HeaderSignature();

    [GeneratedRegex("X-Amz-Signature=[0-9a-f]*")]
    private static partial Regex QuerySignature();
}
