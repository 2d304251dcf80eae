using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Storage.Sqlite;

internal sealed class SqliteRepositoryStore(SqliteDatabase database) : IRepositoryStore
{
    public async ValueTask<bool> ExistsAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.FindRepositoryIdAsync(repository.Value, cancellationToken).ConfigureAwait(false) is not null;
    }

    public async ValueTask<Page<string>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "SELECT name FROM repositories WHERE $after IS NULL OR name > $after ORDER BY name LIMIT $limit",
            ("$after", page.After), ("$limit", page.Limit + 1));
        return await SqlitePaging.ReadPageAsync(command, page.Limit, cancellationToken).ConfigureAwait(false);
    }
}
