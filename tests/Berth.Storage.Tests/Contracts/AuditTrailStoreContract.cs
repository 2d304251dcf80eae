using Berth.Core.AuditTrail;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What the audit trail store must do on every engine: batches stored whole, lookups newest first per account and
/// region, one attribute filter, time range, keyset pages, pruning, and the lookup by request id (exact, newest first,
/// through its index; events stored before migration 0031 found too).
/// </summary>
public abstract class AuditTrailStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh, migrated database of its own.</summary>
    private protected abstract Task<MetadataDatabase> CreateDatabaseAsync();

    /// <summary>The engine's query plan of <paramref name="sql"/> (its @requestId bound to a value), as text.</summary>
    private protected abstract Task<string> PlanAsync(MetadataDatabase database, string sql);

    /// <summary>The words of a plan that say <paramref name="index"/> is read (rather than the whole table).</summary>
    private protected abstract string IndexUse(string index);

    [Fact]
    public async Task LookupsAreNewestFirstPerAccountAndRegionAndPagesNeitherSkipNorRepeat()
    {
        var store = new SqlAuditTrailStore(await CreateDatabaseAsync());
        var events = Enumerable.Range(0, 7).Select(i => Event($"e{i}", T0.AddSeconds(i / 2), "PutImage")).ToList();
        await store.AppendAsync(events, default);
        await store.AppendAsync([Event("other-account", T0, "PutImage", account: "111111111111"), Event("other-region", T0, "PutImage", region: "eu-west-1")], default);

        var seen = new List<string>();
        AuditCursor? cursor = null;
        do
        {
            var page = await store.LookupAsync(new AuditQuery("000000000000", "us-east-1", null, null, null, 3, cursor), default);
            Assert.True(page.Events.Count <= 3);
            seen.AddRange(page.Events.Select(e => e.EventId));
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(["e6", "e5", "e4", "e3", "e2", "e1", "e0"], seen);
    }

    [Fact]
    public async Task EachAttributeAndTheTimeRangeFilter()
    {
        var store = new SqlAuditTrailStore(await CreateDatabaseAsync());
        await store.AppendAsync(
        [
            Event("a", T0, "PutImage", username: "alice", accessKey: "AKIAALICE", resource: "app", readOnly: false),
            Event("b", T0.AddMinutes(1), "BatchGetImage", username: "bob", accessKey: "AKIABOB", resource: "web", readOnly: true),
            Event("c", T0.AddMinutes(2), "CreateUser", source: "iam.amazonaws.com", username: "alice", accessKey: "AKIAALICE", resource: "carol", resourceType: "AWS::IAM::User", readOnly: false),
        ], default);

        async Task<string[]> Ids(AuditFilter? filter, DateTimeOffset? start = null, DateTimeOffset? end = null) =>
            [.. (await store.LookupAsync(new AuditQuery("000000000000", "us-east-1", filter, start, end, 50, null), default)).Events.Select(e => e.EventId)];

        Assert.Equal(["c", "a"], await Ids(new AuditFilter(AuditAttributeKey.Username, "alice")));
        Assert.Equal(["b"], await Ids(new AuditFilter(AuditAttributeKey.EventName, "BatchGetImage")));
        Assert.Equal(["c"], await Ids(new AuditFilter(AuditAttributeKey.EventSource, "iam.amazonaws.com")));
        Assert.Equal(["b"], await Ids(new AuditFilter(AuditAttributeKey.AccessKeyId, "AKIABOB")));
        Assert.Equal(["a"], await Ids(new AuditFilter(AuditAttributeKey.EventId, "a")));
        Assert.Equal(["b"], await Ids(new AuditFilter(AuditAttributeKey.ResourceName, "web")));
        Assert.Equal(["c"], await Ids(new AuditFilter(AuditAttributeKey.ResourceType, "AWS::IAM::User")));
        Assert.Equal(["b"], await Ids(new AuditFilter(AuditAttributeKey.ReadOnly, "true")));
        Assert.Equal(["c", "a"], await Ids(new AuditFilter(AuditAttributeKey.ReadOnly, "false")));
        Assert.Empty(await Ids(new AuditFilter(AuditAttributeKey.ReadOnly, "maybe")));
        Assert.Equal(["c", "b"], await Ids(null, T0.AddMinutes(1)));
        Assert.Equal(["b", "a"], await Ids(null, null, T0.AddMinutes(1)));
        Assert.Equal(["b"], await Ids(null, T0.AddMinutes(1), T0.AddMinutes(1)));
    }

    [Fact]
    public async Task PruningDeletesOnlyEventsOlderThanTheCutoffInBatches()
    {
        var store = new SqlAuditTrailStore(await CreateDatabaseAsync());
        await store.AppendAsync([.. Enumerable.Range(0, 5).Select(i => Event($"old{i}", T0.AddDays(-100 - i), "PutImage")), Event("new", T0, "PutImage")], default);

        Assert.Equal(3, await store.PruneAsync(T0.AddDays(-90), 3, default));
        Assert.Equal(2, await store.PruneAsync(T0.AddDays(-90), 3, default));
        Assert.Equal(0, await store.PruneAsync(T0.AddDays(-90), 3, default));

        var left = await store.LookupAsync(new AuditQuery("000000000000", "us-east-1", null, null, null, 50, null), default);
        var only = Assert.Single(left.Events);
        Assert.Equal(Event("new", T0, "PutImage"), only);
    }

    [Fact]
    public async Task ARequestIdFindsTheNewestEventWithExactlyThatIdInAnyAccountAndRegion()
    {
        var store = new SqlAuditTrailStore(await CreateDatabaseAsync());
        await store.AppendAsync(
        [
            Event("first", T0, "DeleteRepository", requestId: "9f3c1a2e-0001"),
            Event("retried", T0.AddSeconds(5), "DeleteRepository", requestId: "9f3c1a2e-0001"),
            Event("elsewhere", T0, "ListUsers", account: "111111111111", region: "eu-west-1", source: "iam.amazonaws.com", requestId: "0HN8:00000002"),
            Event("no-id", T0, "PutImage"),
        ], default);
        await store.AppendAsync([Event("later-batch", T0.AddSeconds(1), "PutImage", requestId: "9f3c1a2e-0002")], default);

        Assert.Equal("retried", (await store.FindByRequestIdAsync("9f3c1a2e-0001", default))?.EventId);
        Assert.Equal("elsewhere", (await store.FindByRequestIdAsync("0HN8:00000002", default))?.EventId);
        Assert.Equal(Event("later-batch", T0.AddSeconds(1), "PutImage", requestId: "9f3c1a2e-0002"), await store.FindByRequestIdAsync("9f3c1a2e-0002", default));
        Assert.Null(await store.FindByRequestIdAsync("9F3C1A2E-0001", default));
        Assert.Null(await store.FindByRequestIdAsync("9f3c1a2e", default));
        Assert.Null(await store.FindByRequestIdAsync("9f3c1a2e-000%", default));
        Assert.Null(await store.FindByRequestIdAsync("", default));
    }

    [Fact]
    public async Task EventsStoredBeforeTheRequestIdColumnAreFoundByTheirJsonRequestIdAfterMigration()
    {
        var database = await CreateDatabaseAsync();

        // Back to the schema before 0031 (the same statements on both engines), with events as Berth stored them then.
        await database.ExecuteAsync("DROP INDEX audit_events_request", default);
        await database.ExecuteAsync("ALTER TABLE audit_events DROP COLUMN request_id", default);
        await database.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 31", default);
        await database.ExecuteAsync(
            $$"""
            INSERT INTO audit_events (event_id, event_time, account_id, region, event_source, event_name, read_only, event_json)
            VALUES ('old', {{T0.ToUnixTimeMilliseconds()}}, '000000000000', 'us-east-1', 'ecr.amazonaws.com', 'DeleteRepository', @no,
                    '{"eventVersion":"1.08","errorCode":"AccessDeniedException","requestID":"6b1e-old","eventID":"old"}'),
                   ('older', {{T0.AddDays(-1).ToUnixTimeMilliseconds()}}, '000000000000', 'us-east-1', 'iam.amazonaws.com', 'ListUsers', @no,
                    '{"requestID":"6b1e-older","eventID":"older"}'),
                   ('none', {{T0.ToUnixTimeMilliseconds()}}, '000000000000', 'us-east-1', 'ecr.amazonaws.com', 'PutImage', @no, '{"eventID":"none"}')
            """,
            default, ("@no", false));

        await database.InitializeAsync(default);
        var store = new SqlAuditTrailStore(database);

        Assert.Equal("old", (await store.FindByRequestIdAsync("6b1e-old", default))?.EventId);
        Assert.Equal("6b1e-old", (await store.FindByRequestIdAsync("6b1e-old", default))?.RequestId);
        Assert.Equal("older", (await store.FindByRequestIdAsync("6b1e-older", default))?.EventId);
        Assert.Equal(1L, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE request_id IS NULL", default), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TheRequestIdLookupReadsItsIndexNotTheTable()
    {
        var database = await CreateDatabaseAsync();
        var store = new SqlAuditTrailStore(database);
        await store.AppendAsync([.. Enumerable.Range(0, 200).Select(i => Event($"e{i}", T0.AddSeconds(i), "PutImage", requestId: $"req-{i}"))], default);

        var plan = await PlanAsync(database, SqlAuditTrailStore.FindByRequestIdSql);

        Assert.Contains(IndexUse("audit_events_request"), plan, StringComparison.Ordinal);
    }

    private static AuditEvent Event(
        string id, DateTimeOffset time, string name, string account = "000000000000", string region = "us-east-1", string source = "ecr.amazonaws.com",
        string? username = "root", string? accessKey = "AKIAROOT", string? resource = null, string? resourceType = "AWS::ECR::Repository", bool readOnly = false,
        string? requestId = null) =>
        new(id, time, account, region, source, name, readOnly, username, accessKey, resource is null ? null : resourceType, resource,
            requestId is null ? $$"""{"eventID":"{{id}}"}""" : $$"""{"requestID":"{{requestId}}","eventID":"{{id}}"}""", requestId);
}
