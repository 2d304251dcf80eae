using Berth.Storage.Postgres;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

/// <summary>A fresh, migrated database of the shared test cluster for each test.</summary>
internal static class PostgresStores
{
    public static async Task<PostgresDatabase> CreateAsync(PostgresCluster cluster)
    {
        var database = new PostgresDatabase(await cluster.CreateDatabaseAsync());
        await database.InitializeAsync(default);
        return database;
    }
}
