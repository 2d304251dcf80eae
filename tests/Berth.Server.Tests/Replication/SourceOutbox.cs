using Microsoft.Data.Sqlite;

namespace Berth.Server.Tests.Replication;

/// <summary>Reads a Berth process's replication outbox straight from its SQLite database, as an operator's query would.</summary>
public static class SourceOutbox
{
    public sealed record Row(long Id, string Repository, string Digest, string? Tag, string? Remote, string Status, int Attempts, string? FailureCode, string? FailureReason);

    public static async Task<List<Row>> ReadAsync(string databasePath)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, repository, digest, tag, remote_destination, status, attempts, failure_code, failure_reason FROM replication_outbox ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return rows;
    }

    /// <summary>
    /// Polls until <paramref name="done"/> holds for the rows. The bound only keeps a broken build from hanging the
    /// run; nothing is asserted about how long it took.
    /// </summary>
    public static async Task<List<Row>> WaitAsync(string databasePath, Func<List<Row>, bool> done, string? context = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var rows = await ReadAsync(databasePath);
            if (done(rows))
            {
                return rows;
            }

            Assert.True(attempt < 480, $"The outbox did not reach the expected state: {string.Join("; ", rows)}\n{context}");
            await Task.Delay(250);
        }
    }
}
