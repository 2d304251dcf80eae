using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteAuditTrailStoreTests : AuditTrailStoreContract
{
    private protected override async Task<MetadataDatabase> CreateDatabaseAsync()
    {
        var database = new SqliteDatabase(
            Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), new Berth.Core.Registries.RegistryIdentity("000000000000", "us-east-1"));
        await database.InitializeAsync(default);
        return database;
    }

    private protected override async Task<string> PlanAsync(MetadataDatabase database, string sql) =>
        string.Join("\n", await database.ListAsync("EXPLAIN QUERY PLAN " + sql, r => r.GetString(3), default, ("@requestId", "req-7")));

    private protected override string IndexUse(string index) => $"USING INDEX {index} (request_id=?)";
}
