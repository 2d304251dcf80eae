using Berth.Core.Credentials;
using Berth.Core.Iam;

namespace Berth.Storage.Metadata;

/// <summary>IAM's view of the access_keys table that <see cref="SqlCredentialStore"/> reads for authentication.</summary>
internal sealed class SqlAccessKeyStore(MetadataDatabase database) : IAccessKeyStore
{
    public async ValueTask<bool> CreateAsync(AccessKey key, int maxKeys, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Two nodes creating keys for one principal count one after the other.
        await database.LockKeysAsync(connection, cancellationToken, DbCommands.AccessKeysLock(key.PrincipalArn)).ConfigureAwait(false);
        var count = (long)(await connection.ScalarAsync("SELECT count(*) FROM access_keys WHERE principal_arn = @p", cancellationToken, ("@p", key.PrincipalArn)).ConfigureAwait(false))!;
        if (count >= maxKeys)
        {
            return false;
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO access_keys (access_key_id, account_id, principal_arn, secret_ciphertext, status, created_at)
            VALUES (@id, @account, @principal, @secret, @status, @created)
            """,
            cancellationToken, ("@id", key.AccessKeyId), ("@account", key.AccountId), ("@principal", key.PrincipalArn),
            ("@secret", key.SecretCiphertext), ("@status", key.Status), ("@created", key.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<IReadOnlyList<AccessKeyMetadata>> ListAsync(string principalArn, CancellationToken cancellationToken) =>
        await database.ListAsync(
            $"SELECT access_key_id, status, created_at FROM access_keys WHERE principal_arn = @p ORDER BY created_at, access_key_id{database.OrdinalCollation}",
            r => new AccessKeyMetadata(r.GetString(0), r.GetString(1), r.Time(2)),
            cancellationToken, ("@p", principalArn)).ConfigureAwait(false);

    public async ValueTask<bool> SetStatusAsync(string principalArn, string accessKeyId, string status, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE access_keys SET status = @s WHERE access_key_id = @id AND principal_arn = @p",
            cancellationToken, ("@s", status), ("@id", accessKeyId), ("@p", principalArn)).ConfigureAwait(false) > 0;

    public async ValueTask<bool> DeleteAsync(string principalArn, string accessKeyId, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "DELETE FROM access_keys WHERE access_key_id = @id AND principal_arn = @p", cancellationToken, ("@id", accessKeyId), ("@p", principalArn)).ConfigureAwait(false) > 0;
}
