using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteMetadataStoreTests : MetadataStoreContract
{
    protected override async Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IUploadSessionStore Uploads)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"));
        await database.InitializeAsync(default);
        return (new SqliteRepositoryStore(database), new SqliteImageStore(database, TimeProvider.System),
            new SqliteBlobLinkStore(database, TimeProvider.System), new SqliteUploadSessionStore(database));
    }

    [Fact]
    public async Task MigratingTwiceIsANoOp()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"));
        await database.InitializeAsync(default);
        await database.InitializeAsync(default);

        await using var connection = await database.OpenAsync(default);
        var scripts = typeof(SqliteDatabase).Assembly.GetManifestResourceNames().Count(r => r.Contains(".Migrations.sqlite.", StringComparison.Ordinal));
        Assert.Equal((long)scripts, await connection.ScalarAsync("SELECT COUNT(*) FROM schema_migrations", default));
        Assert.Equal("wal", await connection.ScalarAsync("PRAGMA journal_mode", default));
    }
}
