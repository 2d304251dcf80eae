using Berth.Core.Paging;
using Npgsql;

namespace Berth.Storage.Postgres;

internal static class PostgresPaging
{
    /// <summary>Reads a one-column page queried with LIMIT limit+1; the extra row only says that more follow.</summary>
    public static async Task<Page<string>> ReadPageAsync(NpgsqlCommand command, int limit, CancellationToken cancellationToken)
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
