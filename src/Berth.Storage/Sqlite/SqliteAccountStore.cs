using Berth.Core.Accounts;

namespace Berth.Storage.Sqlite;

internal sealed class SqliteAccountStore(SqliteDatabase database) : IAccountStore
{
    public async ValueTask<bool> CreateAsync(string accountId, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "INSERT INTO accounts (account_id, created_at) VALUES ($id, $created) ON CONFLICT (account_id) DO NOTHING",
            cancellationToken, ("$id", accountId), ("$created", createdAt.ToUnixTimeMilliseconds())).ConfigureAwait(false) > 0;
    }

    public async ValueTask<bool> ExistsAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ScalarAsync("SELECT 1 FROM accounts WHERE account_id = $id", cancellationToken, ("$id", accountId)).ConfigureAwait(false) is not null;
    }

    public async ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT account_id FROM accounts ORDER BY account_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
