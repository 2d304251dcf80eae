using Berth.Core.Credentials;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresConsoleKeyStoreTests(PostgresCluster cluster) : ConsoleKeyStoreContract
{
    protected override async Task<(IConsoleKeyStore NodeA, IConsoleKeyStore NodeB)> CreateAsync()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var nodeA = new PostgresDatabase(connectionString, PostgresStores.Registry);
        await nodeA.InitializeAsync(default);
        return (new SqlConsoleKeyStore(nodeA), new SqlConsoleKeyStore(new PostgresDatabase(connectionString, PostgresStores.Registry)));
    }
}
