using Berth.Storage.Metadata;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresGarbageCollectionStoreTests(PostgresCluster cluster) : GarbageCollectionStoreContract
{
    protected override async Task<Stores> CreateAsync(TimeProvider time)
    {
        var database = await PostgresStores.CreateAsync(cluster);
        var registry = PostgresStores.Registry;
        return new Stores(new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, time),
            new SqlBlobLinkStore(database, registry, time), new SqlUploadSessionStore(database), new SqlGarbageCollectionStore(database));
    }
}
