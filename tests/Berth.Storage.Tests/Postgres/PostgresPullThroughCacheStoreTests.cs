using Berth.Storage.Metadata;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresPullThroughCacheStoreTests(PostgresCluster cluster) : PullThroughCacheStoreContract
{
    private protected override async Task<MetadataDatabase> CreateDatabaseAsync() => await PostgresStores.CreateAsync(cluster);
}
