using Berth.Core.Credentials;
using Berth.Core.Iam;

namespace Berth.Storage.Sqlite;

/// <summary>IAM's view of the access_keys table that <see cref="SqliteCredentialStore"/> reads for authentication.</summary>
internal sealed class SqliteAccessKeyStore(SqliteDatabase database) : IAccessKeyStore
{
    public async ValueTask<bool> CreateAsync(AccessKey key, int maxKeys, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        var count = (long)(await connection.ScalarAsync("SELECT count(*) FROM access_keys WHERE principal_arn = $p", cancellationToken, ("$p", key.PrincipalArn)).ConfigureAwait(false))!;
        if (count >= maxKeys)
        {
            return false;
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO access_keys (access_key_id, account_id, principal_arn, secret_ciphertext, status, created_at)
            VALUES ($id, $account, $principal, $secret, $status, $created)
            """,
            cancellationToken, ("$id", key.AccessKeyId), ("$account", key.AccountId), ("$principal", key.PrincipalArn),
            ("$secret", key.SecretCiphertext), ("$status", key.Status), ("$created", key.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<IReadOnlyList<AccessKeyMetadata>> ListAsync(string principalArn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "SELECT access_key_id, status, created_at FROM access_keys WHERE principal_arn = $p ORDER BY created_at, access_key_id", ("$p", principalArn));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<AccessKeyMetadata>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new AccessKeyMetadata(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }

        return keys;
    }

    public async ValueTask<bool> SetStatusAsync(string principalArn, string accessKeyId, string status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE access_keys SET status = $s WHERE access_key_id = $id AND principal_arn = $p",
            cancellationToken, ("$s", status), ("$id", accessKeyId), ("$p", principalArn)).ConfigureAwait(false) > 0;
    }

    public async ValueTask<bool> DeleteAsync(string principalArn, string accessKeyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "DELETE FROM access_keys WHERE access_key_id = $id AND principal_arn = $p", cancellationToken, ("$id", accessKeyId), ("$p", principalArn)).ConfigureAwait(false) > 0;
    }
}
