using System.Security.Cryptography;

namespace Berth.Core.SigV4;

/// <summary>
/// The parts of an HTTP request that SigV4 signs, exactly as they were received. The server builds it from the
/// request; nothing here is decoded or normalized yet.
/// </summary>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="RawPath">The path as sent on the wire, still percent-encoded (the request target before <c>?</c>).</param>
/// <param name="RawQuery">The query string as sent, without or with its leading <c>?</c>; empty when there is none.</param>
/// <param name="Headers">
/// Header name to its values in the order received; one entry per header line (a comma inside one value is not a
/// separator). Names are matched case-insensitively. Must include <c>Host</c>.
/// </param>
/// <param name="PayloadHash">
/// Lower-case hex SHA-256 of the body as received (see <see cref="HashPayload"/>). For a body the server cannot read
/// before verifying (S3 streaming, <c>UNSIGNED-PAYLOAD</c>), pass the <c>x-amz-content-sha256</c> value instead.
/// It is the last line of the canonical request, so a body that does not match what was signed fails verification.
/// </param>
/// <param name="PathStyle">S3 rules or the rules of every other service (ECR uses <see cref="CanonicalPathStyle.Standard"/>).</param>
public sealed record SigV4Request(
    string Method,
    string RawPath,
    string RawQuery,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers,
    string PayloadHash,
    CanonicalPathStyle PathStyle = CanonicalPathStyle.Standard)
{
    /// <summary>SHA-256 of an empty body, the payload hash of every GET.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Lower-case hex SHA-256 of <paramref name="body"/>, as <see cref="PayloadHash"/> expects it.</summary>
    public static string HashPayload(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));
}
