using Berth.Core.Registries;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteGarbageCollectionStoreTests : GarbageCollectionStoreContract
{
    protected override async Task<Stores> CreateAsync(TimeProvider time)
    {
        var registry = new RegistryIdentity("000000000000", "us-east-1");
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), registry);
        await database.InitializeAsync(default);
        return new Stores(new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, time),
            new SqlBlobLinkStore(database, registry, time), new SqlUploadSessionStore(database), new SqlGarbageCollectionStore(database));
    }
}
