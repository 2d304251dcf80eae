using Berth.Core.Credentials;

namespace Berth.Storage.Metadata;

internal sealed class SqlCredentialStore(MetadataDatabase database) : ICredentialStore
{
    public async ValueTask<AccessKey?> FindAsync(string accessKeyId, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            "SELECT access_key_id, account_id, principal_arn, secret_ciphertext, status, created_at FROM access_keys WHERE access_key_id = @id",
            r => new AccessKey(r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3), r.GetString(4),
            r.Time(5)),
            cancellationToken, ("@id", accessKeyId)).ConfigureAwait(false);

    public async ValueTask SaveAsync(AccessKey key, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO access_keys (access_key_id, account_id, principal_arn, secret_ciphertext, status, created_at)
            VALUES (@id, @account, @principal, @secret, @status, @created)
            ON CONFLICT (access_key_id) DO UPDATE SET account_id = excluded.account_id, principal_arn = excluded.principal_arn,
                secret_ciphertext = excluded.secret_ciphertext, status = excluded.status
            """,
            cancellationToken, ("@id", key.AccessKeyId), ("@account", key.AccountId), ("@principal", key.PrincipalArn),
            ("@secret", key.SecretCiphertext), ("@status", key.Status), ("@created", key.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);

    public async ValueTask<bool> HasKeyAsync(string principalArn, CancellationToken cancellationToken) =>
        await database.ScalarAsync("SELECT 1 FROM access_keys WHERE principal_arn = @p LIMIT 1", cancellationToken, ("@p", principalArn)).ConfigureAwait(false) is not null;

    public async ValueTask<string?> GetSettingAsync(string accountId, string name, CancellationToken cancellationToken) =>
        (string?)await database.ScalarAsync("SELECT value FROM account_settings WHERE account_id = @a AND name = @n", cancellationToken, ("@a", accountId), ("@n", name)).ConfigureAwait(false);

    public async ValueTask<string> GetOrAddSettingAsync(string accountId, string name, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO account_settings (account_id, name, value) VALUES (@a, @n, @v) ON CONFLICT DO NOTHING",
            cancellationToken, ("@a", accountId), ("@n", name), ("@v", value)).ConfigureAwait(false);
        return (string)(await connection.ScalarAsync("SELECT value FROM account_settings WHERE account_id = @a AND name = @n", cancellationToken, ("@a", accountId), ("@n", name)).ConfigureAwait(false))!;
    }

    public async ValueTask SetSettingAsync(string accountId, string name, string value, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "INSERT INTO account_settings (account_id, name, value) VALUES (@a, @n, @v) ON CONFLICT (account_id, name) DO UPDATE SET value = excluded.value",
            cancellationToken, ("@a", accountId), ("@n", name), ("@v", value)).ConfigureAwait(false);
}
