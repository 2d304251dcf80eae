using System.Security.Cryptography;
using Berth.Core.Registries;

namespace Berth.Core.Credentials;

/// <summary>Creates or imports an account root's access key.</summary>
public sealed class RootCredentials(ICredentialStore store, SecretProtector protector, TimeProvider time)
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>
    /// With <paramref name="accessKeyId"/> and <paramref name="secret"/> given, stores them as the root key (replacing a
    /// previous value of that id). Otherwise creates a root key if the account has none and returns it, so the caller
    /// can show it once; returns null when a key already existed.
    /// </summary>
    public async ValueTask<(string AccessKeyId, string Secret)?> EnsureAsync(string accountId, string? accessKeyId, string? secret, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(accessKeyId) && !string.IsNullOrEmpty(secret))
        {
            await SaveAsync(accountId, accessKeyId, secret, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (await store.HasKeyAsync(RegistryIdentity.AccountRootArn(accountId), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var id = "AKIA" + RandomString(Alphabet, 16);
        var newSecret = RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
        await SaveAsync(accountId, id, newSecret, cancellationToken).ConfigureAwait(false);
        return (id, newSecret);
    }

    /// <summary>Whether an access key with this id exists (of any account).</summary>
    public async ValueTask<bool> KeyExistsAsync(string accessKeyId, CancellationToken cancellationToken) =>
        await store.FindAsync(accessKeyId, cancellationToken).ConfigureAwait(false) is not null;

    private ValueTask SaveAsync(string accountId, string accessKeyId, string secret, CancellationToken cancellationToken) =>
        store.SaveAsync(
            new AccessKey(accessKeyId, accountId, RegistryIdentity.AccountRootArn(accountId), protector.Protect(System.Text.Encoding.UTF8.GetBytes(secret)), "Active", time.GetUtcNow()),
            cancellationToken);

    private static string RandomString(string alphabet, int length) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });
}
