using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresImageCatalogTests(PostgresCluster cluster) : ImageCatalogContract
{
    protected override async Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog)> CreateAsync()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        return (new PostgresRepositoryStore(database, PostgresStores.Registry), new PostgresImageStore(database, PostgresStores.Registry, TimeProvider.System),
            new PostgresBlobLinkStore(database, PostgresStores.Registry, TimeProvider.System), new PostgresImageCatalog(database, PostgresStores.Registry));
    }
}
