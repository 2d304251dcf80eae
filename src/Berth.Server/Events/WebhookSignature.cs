using System.Security.Cryptography;
using System.Text;

namespace Berth.Server.Events;

/// <summary>
/// The signature of a webhook delivery: <c>X-Berth-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body under the
/// endpoint's secret&gt;</c>, the scheme GitHub's webhooks use (X-Hub-Signature-256), so receivers' existing checks
/// apply. Receivers compare in constant time (<see cref="Verify"/> shows how).
/// </summary>
internal static class WebhookSignature
{
    public const string Header = "X-Berth-Signature-256";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header));
}
