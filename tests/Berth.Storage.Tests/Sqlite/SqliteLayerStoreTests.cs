using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Core.Layers;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteLayerStoreTests : LayerStoreContract
{
    private static readonly Berth.Core.Registries.RegistryIdentity Registry = new("000000000000", "us-east-1");

    protected override async Task<(ILayerStore Layers, IUploadSessionStore Uploads)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Registry);
        await database.InitializeAsync(default);
        return (new SqlLayerStore(database, Registry), new SqlUploadSessionStore(database));
    }

    protected override async Task<(ILayerStore Layers, IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links)> CreateWithImagesAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Registry);
        await database.InitializeAsync(default);
        return (new SqlLayerStore(database, Registry), new SqlRepositoryStore(database, Registry), new SqlImageStore(database, Registry, TimeProvider.System),
            new SqlBlobLinkStore(database, Registry, TimeProvider.System));
    }
}
