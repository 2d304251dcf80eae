using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Core.Registries;

namespace Berth.Core.Credentials;

/// <summary>
/// Issues and checks the registry passwords of GetAuthorizationToken (docker login's "AWS:&lt;password&gt;"). A
/// password is opaque, as ECR's is: the claims (principal, access key id, region, expiry) are sealed with AES-256-GCM
/// under a key derived from the principal's account key, which every node shares (kept encrypted in the metadata
/// store). Only the account id, which names the key, is readable. A token is good for the registries of its region;
/// whether its principal may use another account's registry is the authorization's decision, not the token's. Tokens
/// survive restarts; a tampered one fails GCM's tag check.
/// </summary>
/// <remarks>
/// Layout before base64url: version (1 byte, 1), account id (12 ASCII digits), nonce (12 bytes), tag (16 bytes), then
/// the sealed JSON claims. Version and account id are the associated data, so neither can be swapped.
/// </remarks>
public sealed class RegistryTokenService(SigningKeys keys, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private const string KeySetting = "registry-token-key";
    private const byte Version = 1;
    private const int AccountLength = 12;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + AccountLength;
    private const int SealedStart = HeaderLength + NonceLength + TagLength;
    private static readonly byte[] KeyPurpose = "berth registry token AES-256-GCM"u8.ToArray();

    // Tokens that opened, by their exact text: a client sends the same token with every request, and the same bytes
    // always open the same way (only expiry depends on the clock, and it is checked on every use). At most
    // MaxVerified are kept; when full, the table starts over. Whether the principal still holds is not cached here
    // (RegistryAuthentication re-reads it). The lookup is no timing oracle: string hashing is randomized per process,
    // and finding a token in the table says nothing to a caller who does not already hold it.
    private const int MaxVerified = 10_000;
    private readonly ConcurrentDictionary<string, TokenPayload> _verified = new(StringComparer.Ordinal);

    /// <summary>A token for <paramref name="principal"/>, valid in <paramref name="region"/> for <see cref="Lifetime"/>.</summary>
    public async ValueTask<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(Principal principal, string region, CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow() + Lifetime;
        var claims = JsonSerializer.SerializeToUtf8Bytes(new TokenPayload(principal.Arn, principal.AccountId, region, principal.AccessKeyId, expiresAt.ToUnixTimeSeconds()));
        var key = await keys.GetAsync(principal.AccountId, KeySetting, cancellationToken).ConfigureAwait(false);

        var token = new byte[SealedStart + claims.Length];
        token[0] = Version;
        Encoding.ASCII.GetBytes(principal.AccountId, token.AsSpan(1, AccountLength));
        RandomNumberGenerator.Fill(token.AsSpan(HeaderLength, NonceLength));
        using (var aes = new AesGcm(SealingKey(key), TagLength))
        {
            aes.Encrypt(token.AsSpan(HeaderLength, NonceLength), claims, token.AsSpan(SealedStart), token.AsSpan(HeaderLength + NonceLength, TagLength), token.AsSpan(0, HeaderLength));
        }

        return (Base64Url.EncodeToString(token), expiresAt);
    }

    /// <summary>
    /// Checks a token presented to a registry of <paramref name="region"/>. Returns the principal, or a reason:
    /// <see cref="TokenCheck.Invalid"/> (tampered, malformed, expired, unknown account) or
    /// <see cref="TokenCheck.WrongRegistry"/> (valid, but for another region).
    /// </summary>
    public async ValueTask<(TokenCheck Result, Principal? Principal)> CheckAsync(string token, string region, CancellationToken cancellationToken)
    {
        var (result, principal, _) = await InspectAsync(token, region, cancellationToken).ConfigureAwait(false);
        return (result, principal);
    }

    /// <summary>As <see cref="CheckAsync"/>, with the token's expiry when it is valid (what a token exchanged for it may not outlive).</summary>
    public async ValueTask<(TokenCheck Result, Principal? Principal, DateTimeOffset ExpiresAt)> InspectAsync(string token, string region, CancellationToken cancellationToken)
    {
        if (_verified.TryGetValue(token, out var known))
        {
            return Outcome(known, region);
        }

        if (!TryDecode(token, out var bytes) || bytes.Length <= SealedStart || bytes[0] != Version)
        {
            return (TokenCheck.Invalid, null, default);
        }

        // The account id names the key; nothing else is read before the tag holds.
        var account = Encoding.ASCII.GetString(bytes, 1, AccountLength);
        if (!RegistryIdentity.IsValidAccountId(account))
        {
            return (TokenCheck.Invalid, null, default);
        }

        var key = await keys.FindAsync(account, KeySetting, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return (TokenCheck.Invalid, null, default);
        }

        var claims = new byte[bytes.Length - SealedStart];
        try
        {
            using var aes = new AesGcm(SealingKey(key), TagLength);
            aes.Decrypt(bytes.AsSpan(HeaderLength, NonceLength), bytes.AsSpan(SealedStart), bytes.AsSpan(HeaderLength + NonceLength, TagLength), claims, bytes.AsSpan(0, HeaderLength));
        }
        catch (AuthenticationTagMismatchException)
        {
            return (TokenCheck.Invalid, null, default);
        }

        TokenPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<TokenPayload>(claims);
        }
        catch (JsonException)
        {
            return (TokenCheck.Invalid, null, default);
        }

        if (payload is null || payload.Account != account)
        {
            return (TokenCheck.Invalid, null, default);
        }

        if (_verified.Count >= MaxVerified)
        {
            _verified.Clear();
        }

        _verified.TryAdd(token, payload);
        return Outcome(payload, region);
    }

    private (TokenCheck Result, Principal? Principal, DateTimeOffset ExpiresAt) Outcome(TokenPayload claims, string region)
    {
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.Exp);
        if (expiresAt <= time.GetUtcNow())
        {
            return (TokenCheck.Invalid, null, default);
        }

        if (claims.Region != region)
        {
            return (TokenCheck.WrongRegistry, null, default);
        }

        return (TokenCheck.Valid, new Principal(claims.Account, claims.Principal, claims.Key), expiresAt);
    }

    // The stored account key also signed the HMAC tokens of earlier versions; a key derived for this one purpose keeps
    // the two uses apart.
    private static byte[] SealingKey(byte[] accountKey) => HKDF.Expand(HashAlgorithmName.SHA256, accountKey, 32, KeyPurpose);

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
