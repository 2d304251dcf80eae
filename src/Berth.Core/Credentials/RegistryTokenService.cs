using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Core.Registries;

namespace Berth.Core.Credentials;

/// <summary>
/// Issues and checks the registry passwords of GetAuthorizationToken (docker login's "AWS:&lt;password&gt;"): a
/// payload naming the principal, account, region and expiry, and an HMAC-SHA256 over it under a key of the principal's
/// account shared by every node (kept encrypted in the metadata store). A token is good for the registries of its
/// region; whether its principal may use another account's registry is the authorization's decision, not the token's.
/// Tokens survive restarts and are checked in constant time.
/// </summary>
public sealed class RegistryTokenService(SigningKeys keys, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private const string KeySetting = "registry-token-key";

    // Tokens whose signature held, by their exact text: a client sends the same token with every request, and the
    // same bytes always verify the same way (only expiry depends on the clock, and it is checked on every use). At
    // most MaxVerified are kept; when full, the table starts over. Whether the principal still holds is not cached
    // here (RegistryAuthentication re-reads it). The lookup is no timing oracle: string hashing is randomized per
    // process, and finding a token in the table says nothing to a caller who does not already hold it. The signature
    // of a token not in the table is still compared in constant time.
    private const int MaxVerified = 10_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TokenPayload> _verified = new(StringComparer.Ordinal);

    /// <summary>A token for <paramref name="principal"/>, valid in <paramref name="region"/> for <see cref="Lifetime"/>.</summary>
    public async ValueTask<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(Principal principal, string region, CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow() + Lifetime;
        var payload = JsonSerializer.SerializeToUtf8Bytes(new TokenPayload(principal.Arn, principal.AccountId, region, principal.AccessKeyId, expiresAt.ToUnixTimeSeconds()));
        var key = await KeyAsync(principal.AccountId, cancellationToken).ConfigureAwait(false);
        var signature = HMACSHA256.HashData(key, payload);
        return ($"{Base64Url(payload)}.{Base64Url(signature)}", expiresAt);
    }

    /// <summary>
    /// Checks a token presented to a registry of <paramref name="region"/>. Returns the principal, or a reason:
    /// <see cref="TokenCheck.Invalid"/> (tampered, malformed, expired, unknown account) or
    /// <see cref="TokenCheck.WrongRegistry"/> (valid, but for another region).
    /// </summary>
    public async ValueTask<(TokenCheck Result, Principal? Principal)> CheckAsync(string token, string region, CancellationToken cancellationToken)
    {
        if (_verified.TryGetValue(token, out var known))
        {
            return Outcome(known, region);
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryFromBase64Url(token[..dot], out var payload) || !TryFromBase64Url(token[(dot + 1)..], out var signature))
        {
            return (TokenCheck.Invalid, null);
        }

        // The claims name the account whose key signed them; nothing in them is trusted before the signature holds.
        TokenPayload? claims;
        try
        {
            claims = JsonSerializer.Deserialize<TokenPayload>(payload);
        }
        catch (JsonException)
        {
            return (TokenCheck.Invalid, null);
        }

        if (claims is null || !RegistryIdentity.IsValidAccountId(claims.Account))
        {
            return (TokenCheck.Invalid, null);
        }

        var key = await keys.FindAsync(claims.Account, KeySetting, cancellationToken).ConfigureAwait(false);
        if (key is null || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature))
        {
            return (TokenCheck.Invalid, null);
        }

        if (_verified.Count >= MaxVerified)
        {
            _verified.Clear();
        }

        _verified.TryAdd(token, claims);
        return Outcome(claims, region);
    }

    private (TokenCheck Result, Principal? Principal) Outcome(TokenPayload claims, string region)
    {
        if (DateTimeOffset.FromUnixTimeSeconds(claims.Exp) <= time.GetUtcNow())
        {
            return (TokenCheck.Invalid, null);
        }

        if (claims.Region != region)
        {
            return (TokenCheck.WrongRegistry, null);
        }

        return (TokenCheck.Valid, new Principal(claims.Account, claims.Principal, claims.Key));
    }

    private ValueTask<byte[]> KeyAsync(string accountId, CancellationToken cancellationToken) => keys.GetAsync(accountId, KeySetting, cancellationToken);

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, out byte[] data)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        data = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, data, out var written))
        {
            return false;
        }

        data = data[..written];
        return true;
    }

    private sealed record TokenPayload(string Principal, string Account, string Region, string Key, long Exp)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Principal}@{Account}/{Region} until {Exp}");
    }
}

/// <summary>The outcome of checking a registry token.</summary>
public enum TokenCheck
{
    Valid,
    Invalid,
    /// <summary>A valid token of another region.</summary>
    WrongRegistry,
}
