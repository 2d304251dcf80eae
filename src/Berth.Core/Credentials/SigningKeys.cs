using System.Collections.Concurrent;
using System.Security.Cryptography;
using Berth.Core.Registries;

namespace Berth.Core.Credentials;

/// <summary>
/// Per-account HMAC keys (registry tokens, layer download URLs) that every node must share: made once at random,
/// stored encrypted with the master key in the metadata store (the first node to write wins), cached in memory.
/// </summary>
public sealed class SigningKeys(ICredentialStore store, SecretProtector protector, RegistryIdentity registry)
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <summary>The 32-byte key stored under <paramref name="name"/> for this registry's account.</summary>
    public async ValueTask<byte[]> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var candidate = Convert.ToBase64String(protector.Protect(RandomNumberGenerator.GetBytes(32)));
        var stored = await store.GetOrAddSettingAsync(registry.AccountId, name, candidate, cancellationToken).ConfigureAwait(false);
        return _keys.GetOrAdd(name, protector.Unprotect(Convert.FromBase64String(stored)));
    }
}
