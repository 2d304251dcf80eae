using System.Security.Cryptography;
using Berth.Core.Iam;
using Berth.Core.Registries;

namespace Berth.Core.Credentials;

/// <summary>
/// Refuses a master key other than the one that encrypted this database, before the first request: a wrong key would
/// otherwise answer 500 on every signed request (the AES-GCM tag of each stored secret fails). The database keeps a
/// key-check value, a known text encrypted under the key, written by the first start; a database older than the check
/// is checked against the default account's root key first.
/// </summary>
public sealed class MasterKeyCheck(ICredentialStore credentials, IAccessKeyStore accessKeys, SecretProtector protector)
{
    /// <summary>The setting's account: none (no account id is empty), the value is the deployment's.</summary>
    private const string Deployment = "";
    private const string SettingName = "master-key-check";
    private static readonly byte[] Marker = "berth master key check v1"u8.ToArray();

    /// <summary>Throws an <see cref="InvalidOperationException"/> naming <paramref name="setting"/> when the key does not open this database.</summary>
    public async ValueTask VerifyAsync(string defaultAccountId, string setting, CancellationToken cancellationToken)
    {
        var stored = await credentials.GetSettingAsync(Deployment, SettingName, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            // A database from before the check: the root key's secret tells, if there is one.
            foreach (var key in await accessKeys.ListAsync(RegistryIdentity.AccountRootArn(defaultAccountId), cancellationToken).ConfigureAwait(false))
            {
                if (await credentials.FindAsync(key.AccessKeyId, cancellationToken).ConfigureAwait(false) is { } found && !Opens(found.SecretCiphertext))
                {
                    throw Refusal(setting);
                }
            }

            stored = await credentials.GetOrAddSettingAsync(Deployment, SettingName, Convert.ToBase64String(protector.Protect(Marker)), cancellationToken).ConfigureAwait(false);
        }

        if (!Opens(Convert.FromBase64String(stored), Marker))
        {
            throw Refusal(setting);
        }
    }

    private bool Opens(byte[] ciphertext, byte[]? expected = null)
    {
        try
        {
            var plaintext = protector.Unprotect(ciphertext);
            return expected is null || plaintext.AsSpan().SequenceEqual(expected);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static InvalidOperationException Refusal(string setting) => new(
        $"The master key differs from the one that encrypted this database: set '{setting}' (or restore <data>/master.key) to the key the database was created with. Every node of a cluster needs the same key.");
}
