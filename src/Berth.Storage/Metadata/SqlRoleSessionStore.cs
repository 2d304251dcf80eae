using Berth.Core.Iam;

namespace Berth.Storage.Metadata;

internal sealed class SqlRoleSessionStore(MetadataDatabase database) : IRoleSessionStore
{
    public async ValueTask SaveAsync(RoleSession session, DateTimeOffset forgetBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM iam_sessions WHERE expires_at < @t", cancellationToken, ("@t", forgetBefore.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await connection.ExecuteAsync(
            """
            INSERT INTO iam_sessions (access_key_id, account_id, role_id, role_arn, session_name, secret_ciphertext, token_hash, created_at, expires_at)
            VALUES (@id, @account, @roleId, @roleArn, @name, @secret, @token, @created, @expires)
            """,
            cancellationToken, ("@id", session.AccessKeyId), ("@account", session.AccountId), ("@roleId", session.RoleId), ("@roleArn", session.RoleArn),
            ("@name", session.SessionName), ("@secret", session.SecretCiphertext), ("@token", session.TokenHash),
            ("@created", session.CreatedAt.ToUnixTimeMilliseconds()), ("@expires", session.ExpiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<RoleSession?> FindAsync(string accessKeyId, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            "SELECT account_id, role_id, role_arn, session_name, secret_ciphertext, token_hash, created_at, expires_at FROM iam_sessions WHERE access_key_id = @id",
            r => new RoleSession(accessKeyId, r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), (byte[])r.GetValue(4), (byte[])r.GetValue(5), r.Time(6), r.Time(7)),
            cancellationToken, ("@id", accessKeyId)).ConfigureAwait(false);
}
