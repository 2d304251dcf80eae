using Berth.Storage.Metadata;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresImageStatusTests(PostgresCluster cluster) : ImageStatusContract
{
    protected override async Task<Stores> CreateAsync()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        var registry = PostgresStores.Registry;
        return new Stores(new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, TimeProvider.System),
            new SqlBlobLinkStore(database, registry, TimeProvider.System), new SqlImageCatalog(database, registry),
            new SqlLifecycleStore(database, registry), new SqlLayerStore(database, registry));
    }

    private protected override async Task<string> PlanAsync(string sql)
    {
        var database = await PostgresStores.CreateAsync(cluster);
        await using var connection = await database.OpenAsync(default);
        return string.Join("\n", await connection.ListAsync("EXPLAIN " + sql, r => r.GetString(0), default, ListingParameters));
    }

    // "Index [Only] Scan using image_storage_status on image_storage x", then "Index Cond: ((repository_id = $0) AND
    // (status = 'ARCHIVED'::text) AND (digest > 'sha256:0'::text))" (>= for ListImages, whose cursor includes a tag).
    private protected override bool SeeksTheStatusIndex(string plan) =>
        System.Text.RegularExpressions.Regex.IsMatch(plan, @"using image_storage_status on image_storage x[^\n]*\n\s*Index Cond: \(.*\(status = '[A-Z]+'::text\) AND \(digest >=? ");
}
