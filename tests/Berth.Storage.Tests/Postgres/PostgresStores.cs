using Berth.Storage.Postgres;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

/// <summary>A fresh, migrated database of the shared test cluster for each test.</summary>
internal static class PostgresStores
{
    /// <summary>The registry the contract suites work in; also where migrations put rows older than registries.</summary>
    public static readonly Berth.Core.Registries.RegistryIdentity Registry = new("000000000000", "us-east-1");

    public static async Task<PostgresDatabase> CreateAsync(PostgresCluster cluster, Berth.Core.Registries.RegistryIdentity? defaultRegistry = null)
    {
        var database = new PostgresDatabase(await cluster.CreateDatabaseAsync(), defaultRegistry ?? Registry);
        await database.InitializeAsync(default);
        return database;
    }
}
