using Berth.Core.GarbageCollection;
using Berth.Server.Tests.Cluster;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;
using Berth.Storage.Tests.S3;
using Berth.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.GarbageCollection;

/// <summary>
/// Garbage collection runs every second while images that share layers are pushed and deleted: on two nodes over
/// PostgreSQL and S3 (either node may win the lease; both push), and on one node over SQLite and the filesystem.
/// Every push must succeed, every kept image must pull byte-identical, and once the pushes stop the collector must
/// bring the store to exactly the blobs the kept images reference (count and bytes).
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class GarbageCollectionUnderFireTests(PostgresCluster cluster, SwiftFixture swift) : IClassFixture<SwiftFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TwoNodesOnPostgresAndS3KeepEveryReferencedBlobWhileCollectingEverySecond()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        var settings = storage.Settings(swift.Server.BerthSettings("gc-fire-" + Guid.NewGuid().ToString("N")[..8]));

        // A grace longer than a push takes from its first blob to its manifest under this load (a push's blobs stay
        // linked that long before its manifest references them: 3 s was too short on PostgreSQL and S3 on a loaded
        // machine, a manifest PUT met MANIFEST_BLOB_UNKNOWN); then a blob is swept by the first cycle after it.
        settings["Berth:GarbageCollection:Interval"] = "00:00:01";
        settings["Berth:GarbageCollection:GracePeriod"] = "00:00:15";
        await using var nodeA = await BerthTestServer.StartAsync(settings);
        await using var nodeB = await BerthTestServer.StartAsync(settings);

        await RunAndCheckAsync([nodeA, nodeB]);
    }

    [Fact]
    public async Task OneNodeOnSqliteAndTheFileSystemKeepsEveryReferencedBlobWhileCollectingEverySecond()
    {
        // On the filesystem an upload's staged file exists just before its session row, and a push's blobs are linked
        // before its manifest: a grace of a few seconds covers both.
        await using var node = await BerthTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Berth:GarbageCollection:Interval"] = "00:00:01",
            ["Berth:GarbageCollection:GracePeriod"] = "00:00:10",
        });

        await RunAndCheckAsync([node]);
    }

    private static async Task RunAndCheckAsync(IReadOnlyList<BerthTestServer> nodes)
    {
        var workload = new ImageWorkload();
        await workload.RunAsync([.. nodes.Select(n => n.Client)], workers: 4, rounds: 15);

        var inventory = nodes[0].Services.GetRequiredService<IBlobInventory>();
        var expected = workload.ReferencedBlobs();
        Dictionary<string, long> stored = [];
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            stored = await ImageWorkload.StoredBlobsAsync(inventory);
            Assert.True(expected.Keys.All(stored.ContainsKey), "a blob a kept image references is gone: " + string.Join(", ", expected.Keys.Where(k => !stored.ContainsKey(k))));
            if (stored.Count == expected.Count || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), stored.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Values.Sum(), stored.Values.Sum());
        foreach (var node in nodes)
        {
            await workload.AssertKeptImagesPullAsync(node.Client);
        }
    }
}
