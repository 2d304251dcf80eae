using Berth.Core.Accounts;

namespace Berth.Storage.Metadata;

internal sealed class SqlAccountStore(MetadataDatabase database) : IAccountStore
{
    public async ValueTask<bool> CreateAsync(string accountId, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "INSERT INTO accounts (account_id, created_at) VALUES (@id, @created) ON CONFLICT (account_id) DO NOTHING",
            cancellationToken, ("@id", accountId), ("@created", createdAt.ToUnixTimeMilliseconds())).ConfigureAwait(false) > 0;

    public async ValueTask<bool> ExistsAsync(string accountId, CancellationToken cancellationToken) =>
        await database.ScalarAsync("SELECT 1 FROM accounts WHERE account_id = @id", cancellationToken, ("@id", accountId)).ConfigureAwait(false) is not null;

    public async ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        await database.ListAsync(
            "SELECT account_id FROM accounts ORDER BY account_id",
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
}
