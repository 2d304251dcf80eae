using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteDatabaseTests
{
    [Fact]
    public async Task EveryConnectionHasForeignKeysAndFullSync_PooledOrFresh()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), new Berth.Core.Registries.RegistryIdentity("000000000000", "us-east-1"));
        await database.InitializeAsync(default);

        // Two at once force a second physical connection; reopening reuses pooled ones; clearing the pool makes new ones.
        for (var round = 0; round < 3; round++)
        {
            await using (var first = await database.OpenAsync(default))
            await using (var second = await database.OpenAsync(default))
            {
                foreach (var connection in new[] { first, second })
                {
                    Assert.Equal(1L, await connection.ScalarAsync("PRAGMA foreign_keys", default));
                    Assert.Equal(2L, await connection.ScalarAsync("PRAGMA synchronous", default));
                    Assert.Equal(30000L, await connection.ScalarAsync("PRAGMA busy_timeout", default));
                }
            }

            if (round == 1)
            {
                SqliteConnection.ClearAllPools();
            }
        }
    }

    [Fact]
    public async Task AnUnflushedWriteIsVisibleAndItsConnectionGoesBackToFullSync_EvenWhenItFails()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), new Berth.Core.Registries.RegistryIdentity("000000000000", "us-east-1"));
        await database.InitializeAsync(default);
        await database.ExecuteAsync("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)", default);

        Assert.Equal(1, await database.ExecuteUnflushedAsync("INSERT INTO t (k, v) VALUES (1, @v)", default, ("@v", "one")));
        await Assert.ThrowsAsync<SqliteException>(async () => await database.ExecuteUnflushedAsync("INSERT INTO t (k, v) VALUES (2, NULL)", default));

        // One pooled connection served both (nothing else was open): it is back to FULL, and the row is there.
        await using var connection = await database.OpenAsync(default);
        Assert.Equal(2L, await connection.ScalarAsync("PRAGMA synchronous", default));
        Assert.Equal("one", await connection.ScalarAsync("SELECT v FROM t WHERE k = 1", default));
        Assert.Equal(1L, await connection.ScalarAsync("SELECT COUNT(*) FROM t", default));
    }
}
