using Berth.Storage.Metadata;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresImageStatusTests(PostgresCluster cluster) : ImageStatusContract
{
    protected override async Task<Stores> CreateAsync()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        var registry = PostgresStores.Registry;
        return new Stores(new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, TimeProvider.System),
            new SqlBlobLinkStore(database, registry, TimeProvider.System), new SqlImageCatalog(database, registry),
            new SqlLifecycleStore(database, registry), new SqlLayerStore(database, registry));
    }
}
