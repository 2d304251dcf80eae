using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresLifecycleStoreTests(PostgresCluster cluster) : LifecycleStoreContract
{
    protected override async Task<LifecycleStores> CreateAsync() =>
        LifecycleStoreFactory.Create(await PostgresStores.CreateAsync(cluster), PostgresStores.Registry);
}
