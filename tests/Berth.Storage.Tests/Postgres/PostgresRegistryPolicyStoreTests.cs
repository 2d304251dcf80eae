using Berth.Core.Registries;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresRegistryPolicyStoreTests(PostgresCluster cluster) : RegistryPolicyStoreContract
{
    protected override async Task<(IRegistryPolicyStore NodeA, IRegistryPolicyStore NodeB)> CreateAsync()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var nodeA = new PostgresDatabase(connectionString, PostgresStores.Registry);
        await nodeA.InitializeAsync(default);
        return (new SqlRegistryPolicyStore(nodeA), new SqlRegistryPolicyStore(new PostgresDatabase(connectionString, PostgresStores.Registry)));
    }
}
