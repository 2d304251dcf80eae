using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteImageCatalogTests : ImageCatalogContract
{
    protected override async Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"));
        await database.InitializeAsync(default);
        return (new SqliteRepositoryStore(database), new SqliteImageStore(database, TimeProvider.System),
            new SqliteBlobLinkStore(database, TimeProvider.System), new SqliteImageCatalog(database));
    }
}
