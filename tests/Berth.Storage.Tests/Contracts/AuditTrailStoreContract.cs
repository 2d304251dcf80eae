using Berth.Core.AuditTrail;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What the audit trail store must do on every engine: batches stored whole, lookups newest first per account and region, one attribute filter, time range, keyset pages, pruning.</summary>
public abstract class AuditTrailStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh, migrated database of its own.</summary>
    private protected abstract Task<MetadataDatabase> CreateDatabaseAsync();

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

    private static AuditEvent Event(
        string id, DateTimeOffset time, string name, string account = "000000000000", string region = "us-east-1", string source = "ecr.amazonaws.com",
        string? username = "root", string? accessKey = "AKIAROOT", string? resource = null, string? resourceType = "AWS::ECR::Repository", bool readOnly = false) =>
        new(id, time, account, region, source, name, readOnly, username, accessKey, resource is null ? null : resourceType, resource, $$"""{"eventID":"{{id}}"}""");
}
