using Berth.Core.Registries;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteImageStatusTests : ImageStatusContract
{
    protected override async Task<Stores> CreateAsync()
    {
        var registry = new RegistryIdentity("000000000000", "us-east-1");
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), registry);
        await database.InitializeAsync(default);
        return new Stores(new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, TimeProvider.System),
            new SqlBlobLinkStore(database, registry, TimeProvider.System), new SqlImageCatalog(database, registry),
            new SqlLifecycleStore(database, registry), new SqlLayerStore(database, registry));
    }
}
