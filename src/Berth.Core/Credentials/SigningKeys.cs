using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Berth.Core.Credentials;

/// <summary>
/// Per-account HMAC keys (registry tokens, layer download URLs) that every node must share: made once at random,
/// stored encrypted with the master key in the metadata store (the first node to write wins), cached in memory.
/// </summary>
public sealed class SigningKeys(ICredentialStore store, SecretProtector protector)
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <summary>The 32-byte key stored under <paramref name="name"/> for the account.</summary>
    public async ValueTask<byte[]> GetAsync(string accountId, string name, CancellationToken cancellationToken)
    {
        var cacheKey = accountId + "/" + name;
        if (_keys.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }

        var candidate = Convert.ToBase64String(protector.Protect(RandomNumberGenerator.GetBytes(32)));
        var stored = await store.GetOrAddSettingAsync(accountId, name, candidate, cancellationToken).ConfigureAwait(false);
        return _keys.GetOrAdd(cacheKey, protector.Unprotect(Convert.FromBase64String(stored)));
    }

    /// <summary>
    /// The key stored under <paramref name="name"/> for the account, or null when none was ever made: for checking
    /// what a key signed, so that a forged claim never makes the store create keys.
    /// </summary>
    public async ValueTask<byte[]?> FindAsync(string accountId, string name, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(accountId + "/" + name, out var cached))
        {
            return cached;
        }

        var stored = await store.GetSettingAsync(accountId, name, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : _keys.GetOrAdd(accountId + "/" + name, protector.Unprotect(Convert.FromBase64String(stored)));
    }
}
