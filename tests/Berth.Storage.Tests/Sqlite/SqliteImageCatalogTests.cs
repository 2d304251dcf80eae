using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteImageCatalogTests : ImageCatalogContract
{
    private static readonly Berth.Core.Registries.RegistryIdentity Registry = new("000000000000", "us-east-1");

    private MetadataDatabase? _database;

    protected override async Task ExecuteAsync(string sql) => await _database!.ExecuteAsync(sql, default);

    protected override async Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog)> CreateAsync()
    {
        var database = _database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Registry);
        await database.InitializeAsync(default);
        return (new SqlRepositoryStore(database, Registry), new SqlImageStore(database, Registry, TimeProvider.System),
            new SqlBlobLinkStore(database, Registry, TimeProvider.System), new SqlImageCatalog(database, Registry));
    }
}
