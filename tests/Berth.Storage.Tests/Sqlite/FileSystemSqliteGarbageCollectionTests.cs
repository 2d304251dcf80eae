using Berth.Core.Registries;
using Berth.Storage.FileSystem;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

/// <summary>Garbage collection cycles on the embedded backends: blobs on the filesystem, metadata in SQLite.</summary>
public sealed class FileSystemSqliteGarbageCollectionTests : GarbageCollectionCycleContract
{
    protected override async Task<Setup> CreateAsync(TimeProvider time)
    {
        var directory = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"));
        var registry = new RegistryIdentity("000000000000", "us-east-1");
        var database = new SqliteDatabase(Path.Combine(directory, "berth.db"), registry);
        await database.InitializeAsync(default);
        var blobs = new FileSystemBlobStore(Path.Combine(directory, "blobs"));
        return new Setup(blobs, new FileSystemBlobInventory(blobs), new GarbageCollectionStoreContract.Stores(
            new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, time),
            new SqlBlobLinkStore(database, registry, time), new SqlUploadSessionStore(database), new SqlGarbageCollectionStore(database)));
    }
}
