using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Berth.Core.Credentials;

namespace Berth.Core.PublicRegistries;

/// <summary>
/// Issues and checks the Bearer tokens of the public registries' /token endpoint: a payload naming the principal (or
/// none: anonymous), the granted repositories and actions, and the expiry, with an HMAC-SHA256 under one key of the
/// deployment (kept encrypted in the store under <paramref name="keyAccount"/>, so every node accepts every node's
/// tokens). A token lives one hour, never longer than the registry password it was exchanged for. Checked in constant time.
/// </summary>
public sealed class PublicAccessTokens(SigningKeys keys, TimeProvider time, string keyAccount)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private const string KeySetting = "public-bearer-token-key";

    /// <summary>A token for <paramref name="principal"/> (null: anonymous) granting <paramref name="grants"/>, valid until <paramref name="notAfter"/> at the latest.</summary>
    public async ValueTask<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(
        Principal? principal, IReadOnlyList<PublicGrant> grants, DateTimeOffset? notAfter, CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow() + Lifetime;
        if (notAfter is { } limit && limit < expiresAt)
        {
            expiresAt = limit;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(
            principal?.Arn, principal?.AccountId, principal?.AccessKeyId,
            grants.Select(g => new Grant(g.Name, g.Pull, g.Push)).ToArray(), expiresAt.ToUnixTimeSeconds()));
        var key = await keys.GetAsync(keyAccount, KeySetting, cancellationToken).ConfigureAwait(false);
        return ($"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(key, payload))}", expiresAt);
    }

    /// <summary>The token's claims when its signature holds and it has not expired; otherwise null.</summary>
    public async ValueTask<PublicAccessToken?> CheckAsync(string token, CancellationToken cancellationToken)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryDecode(token[..dot], out var payload) || !TryDecode(token[(dot + 1)..], out var signature))
        {
            return null;
        }

        var key = await keys.FindAsync(keyAccount, KeySetting, cancellationToken).ConfigureAwait(false);
        if (key is null || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature))
        {
            return null;
        }

        Payload? claims;
        try
        {
            claims = JsonSerializer.Deserialize<Payload>(payload);
        }
        catch (JsonException)
        {
            return null;
        }

        if (claims?.Grants is null || DateTimeOffset.FromUnixTimeSeconds(claims.Exp) <= time.GetUtcNow())
        {
            return null;
        }

        var principal = claims is { Principal: { } arn, Account: { } account, Key: { } accessKey } ? new Principal(account, arn, accessKey) : null;
        return new PublicAccessToken(principal, claims.Grants.Select(g => new PublicGrant(g.Name, g.Pull, g.Push)).ToArray(), DateTimeOffset.FromUnixTimeSeconds(claims.Exp));
    }

    private static bool TryDecode(string text, out byte[] data)
    {
        try
        {
            data = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            data = [];
            return false;
        }
    }

    private sealed record Grant(string Name, bool Pull, bool Push);

    private sealed record Payload(string? Principal, string? Account, string? Key, Grant[]? Grants, long Exp);
}
