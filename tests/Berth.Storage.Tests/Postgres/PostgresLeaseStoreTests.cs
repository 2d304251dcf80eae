using Berth.Core.Leases;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresLeaseStoreTests(PostgresCluster cluster) : LeaseStoreContract
{
    protected override async Task<(ILeaseStore NodeA, ILeaseStore NodeB)> CreateAsync()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var nodeA = new PostgresDatabase(connectionString, PostgresStores.Registry);
        await nodeA.InitializeAsync(default);
        return (new SqlLeaseStore(nodeA), new SqlLeaseStore(new PostgresDatabase(connectionString, PostgresStores.Registry)));
    }
}
