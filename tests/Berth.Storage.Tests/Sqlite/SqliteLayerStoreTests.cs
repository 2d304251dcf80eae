using Berth.Core.Blobs;
using Berth.Core.Layers;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteLayerStoreTests : LayerStoreContract
{
    protected override async Task<(ILayerStore Layers, IUploadSessionStore Uploads)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"));
        await database.InitializeAsync(default);
        return (new SqliteLayerStore(database), new SqliteUploadSessionStore(database));
    }
}
