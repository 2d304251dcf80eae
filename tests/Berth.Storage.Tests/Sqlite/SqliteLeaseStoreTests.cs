using Berth.Core.Leases;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteLeaseStoreTests : LeaseStoreContract
{
    protected override async Task<(ILeaseStore NodeA, ILeaseStore NodeB)> CreateAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db");
        var first = new SqliteDatabase(path, new Berth.Core.Registries.RegistryIdentity("000000000000", "us-east-1"));
        await first.InitializeAsync(default);
        return (new SqlLeaseStore(first), new SqlLeaseStore(new SqliteDatabase(path, new Berth.Core.Registries.RegistryIdentity("000000000000", "us-east-1"))));
    }
}
