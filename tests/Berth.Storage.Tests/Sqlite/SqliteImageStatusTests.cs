using Berth.Core.Registries;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteImageStatusTests : ImageStatusContract
{
    private static readonly RegistryIdentity Registry = new("000000000000", "us-east-1");

    protected override async Task<Stores> CreateAsync()
    {
        var database = await CreateDatabaseAsync();
        return new Stores(new SqlRepositoryStore(database, Registry), new SqlImageStore(database, Registry, TimeProvider.System),
            new SqlBlobLinkStore(database, Registry, TimeProvider.System), new SqlImageCatalog(database, Registry),
            new SqlLifecycleStore(database, Registry), new SqlLayerStore(database, Registry));
    }

    private protected override async Task<string> PlanAsync(string sql) =>
        string.Join("\n", await (await CreateDatabaseAsync()).ListAsync("EXPLAIN QUERY PLAN " + sql, r => r.GetString(3), default, ListingParameters));

    private protected override bool SeeksTheStatusIndex(string plan) =>
        plan.Contains("INDEX image_storage_status (repository_id=? AND status=? AND digest>?)", StringComparison.Ordinal);

    private static async Task<SqliteDatabase> CreateDatabaseAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Registry);
        await database.InitializeAsync(default);
        return database;
    }
}
