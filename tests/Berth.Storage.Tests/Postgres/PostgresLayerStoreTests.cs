using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Core.Layers;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresLayerStoreTests(PostgresCluster cluster) : LayerStoreContract
{
    protected override async Task<(ILayerStore Layers, IUploadSessionStore Uploads)> CreateAsync()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        return (new SqlLayerStore(database, PostgresStores.Registry), new SqlUploadSessionStore(database));
    }

    protected override async Task<(ILayerStore Layers, IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links)> CreateWithImagesAsync()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        return (new SqlLayerStore(database, PostgresStores.Registry), new SqlRepositoryStore(database, PostgresStores.Registry), new SqlImageStore(database, PostgresStores.Registry, TimeProvider.System),
            new SqlBlobLinkStore(database, PostgresStores.Registry, TimeProvider.System));
    }
}
