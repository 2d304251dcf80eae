using Berth.Core.Paging;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

internal static class SqlitePaging
{
    /// <summary>Reads a one-column page queried with LIMIT limit+1; the extra row only says that more follow.</summary>
    public static async Task<Page<string>> ReadPageAsync(SqliteCommand command, int limit, CancellationToken cancellationToken)
    {
        var items = new List<string>(Math.Min(limit, 1000));
        var more = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (items.Count == limit)
            {
                more = true;
                break;
            }

            items.Add(reader.GetString(0));
        }

        return new Page<string>(items, more);
    }
}
