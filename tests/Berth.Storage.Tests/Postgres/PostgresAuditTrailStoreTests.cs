using Berth.Storage.Metadata;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresAuditTrailStoreTests(PostgresCluster cluster) : AuditTrailStoreContract
{
    private protected override async Task<MetadataDatabase> CreateDatabaseAsync() => await PostgresStores.CreateAsync(cluster);

    /// <summary>
    /// The plan with sequential scans priced out (a table of 200 rows is cheaper to scan than to seek, so without that
    /// the planner would not show whether the index can serve the lookup).
    /// </summary>
    private protected override async Task<string> PlanAsync(MetadataDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync(default);
        await connection.ExecuteAsync("SET enable_seqscan = off", default);
        return string.Join("\n", await connection.ListAsync("EXPLAIN " + sql, r => r.GetString(0), default, ("@requestId", "req-7")));
    }

    private protected override string IndexUse(string index) => $"using {index} on audit_events";
}
