using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteMetadataStoreTests : MetadataStoreContract
{
    private static readonly Berth.Core.Registries.RegistryIdentity Registry = new("000000000000", "us-east-1");

    protected override async Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IUploadSessionStore Uploads)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Registry);
        await database.InitializeAsync(default);
        return (new SqlRepositoryStore(database, Registry), new SqlImageStore(database, Registry, TimeProvider.System),
            new SqlBlobLinkStore(database, Registry, TimeProvider.System), new SqlUploadSessionStore(database));
    }

    [Fact]
    public async Task MigratingTwiceIsANoOp()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Registry);
        await database.InitializeAsync(default);
        await database.InitializeAsync(default);

        await using var connection = await database.OpenAsync(default);
        Assert.Equal((long)MigrationScripts.For("sqlite").Count, await connection.ScalarAsync("SELECT COUNT(*) FROM schema_migrations", default));
        Assert.Equal("wal", await connection.ScalarAsync("PRAGMA journal_mode", default));
    }
}
