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

    [Fact]
    public async Task ANamePageIsInOrdinalOrderWhateverOrderTheRowsWereJoinedIn()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Registry);
        await database.InitializeAsync(default);
        const string names = "SELECT 'b' AS name UNION ALL SELECT 'a' UNION ALL SELECT 'C' UNION ALL SELECT 'c'";

        // The rows reach the aggregate in descending order; the page is still ordinal, and the extra row says more.
        var page = await database.NamePageAsync($"SELECT name FROM ({names}) ORDER BY name DESC LIMIT @limit", 2, default, ("@limit", 3));
        Assert.Equal(["a", "b"], page.Items);
        Assert.True(page.HasMore);

        var all = await database.NamePageAsync($"SELECT name FROM ({names}) ORDER BY name LIMIT @limit", 10, default, ("@limit", 11));
        Assert.Equal(["C", "a", "b", "c"], all.Items);
        Assert.False(all.HasMore);

        var none = await database.NamePageAsync($"SELECT name FROM ({names}) WHERE name > 'z' LIMIT @limit", 10, default, ("@limit", 11));
        Assert.Empty(none.Items);
        Assert.False(none.HasMore);
    }
}
