using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteLifecycleStoreTests : LifecycleStoreContract
{
    private static readonly Berth.Core.Registries.RegistryIdentity Registry = new("000000000000", "us-east-1");

    protected override async Task<LifecycleStores> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Registry);
        await database.InitializeAsync(default);
        return LifecycleStoreFactory.Create(database, Registry);
    }
}
