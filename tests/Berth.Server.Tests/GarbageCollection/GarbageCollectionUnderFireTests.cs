using Berth.Core.GarbageCollection;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Server.Registries;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Cluster;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;
using Berth.Storage.Tests.S3;
using Berth.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.GarbageCollection;

/// <summary>
/// Garbage collection and lifecycle policies run every second while images that share layers are pushed (by a
/// protocol-level client and by skopeo), deleted and expired: on two nodes over PostgreSQL and S3 (either node may win
/// each job's lease; both push), and on one node over SQLite and the filesystem (the embedded backend: one process owns
/// the SQLite file). Every push must succeed, every expired image must be gone, every kept image must pull
/// byte-identical, and once the pushes stop the collector must bring the store to exactly the blobs the kept images
/// reference (count and bytes).
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class GarbageCollectionUnderFireTests(PostgresCluster cluster, SwiftFixture swift) : IClassFixture<SwiftFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public async Task TwoNodesOnPostgresAndS3KeepEveryReferencedBlobWhileCollectingAndExpiringEverySecond()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        using var storage = await SharedStorage.CreateAsync(cluster);
        var settings = storage.Settings(swift.Server.BerthSettings("gc-fire-" + Guid.NewGuid().ToString("N")[..8]));

        // A grace longer than a push takes from its first blob to its manifest under this load (a push's blobs stay
        // linked that long before its manifest references them: 3 s was too short on PostgreSQL and S3 on a loaded
        // machine, a manifest PUT met MANIFEST_BLOB_UNKNOWN); then a blob is swept by the first cycle after it.
        settings["Berth:GarbageCollection:Interval"] = "00:00:01";
        settings["Berth:GarbageCollection:GracePeriod"] = "00:00:15";
        settings["Berth:Lifecycle:Interval"] = "00:00:01";
        await using var nodeA = await BerthTestServer.StartAsync(settings);
        await using var nodeB = await BerthTestServer.StartAsync(settings);

        await RunAndCheckAsync([nodeA, nodeB]);
    }

    [SkippableFact]
    public async Task OneNodeOnSqliteAndTheFileSystemKeepsEveryReferencedBlobWhileCollectingAndExpiringEverySecond()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        // On the filesystem an upload's staged file exists just before its session row, and a push's blobs are linked
        // before its manifest: a grace of a few seconds covers both.
        await using var node = await BerthTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Berth:GarbageCollection:Interval"] = "00:00:01",
            ["Berth:GarbageCollection:GracePeriod"] = "00:00:10",
            ["Berth:Lifecycle:Interval"] = "00:00:01",
        });

        await RunAndCheckAsync([node]);
    }

    private static async Task RunAndCheckAsync(IReadOnlyList<BerthTestServer> nodes)
    {
        var workload = new ImageWorkload();
        var keepNewest = KeepNewest(nodes[^1]);
        await Task.WhenAll(
            workload.RunAsync([.. nodes.Select(n => n.Client)], workers: 4, rounds: 15, keepNewest),
            workload.RunSkopeoAsync([.. nodes.Select(n => n.Host)], Path.Combine(nodes[0].DataDirectory, "fire-layout"), "fire/skopeo", images: 5, keepNewest));

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
            await workload.AssertExpiredImagesGoneAsync(node.Client);
        }
    }

    /// <summary>Puts a policy keeping the count newest images on a repository, through the node's lifecycle service.</summary>
    private static Func<string, int, Task> KeepNewest(BerthTestServer node) => async (repository, count) =>
    {
        await using var scope = node.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestRegistry>().Current = new RegistryIdentity("000000000000", "us-east-1");
        await scope.ServiceProvider.GetRequiredService<LifecycleService>().PutAsync(
            RepositoryName.Parse(repository),
            $$$"""{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":{{{count}}}},"action":{"type":"expire"}}]}""",
            default);
    };
}
