using System.Net;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Replication;

/// <summary>
/// The node copying a large image to a remote Berth is killed with SIGKILL in the middle of a blob (a proxy holds the
/// upload there, so the kill lands mid-copy by construction); started again, it takes its expired claim back and the
/// image arrives whole: every blob once, none missing, the manifest byte-identical, one COMPLETE row.
/// </summary>
public sealed class RemoteReplicationCrashTests
{
    private const int Layers = 5;
    private const int LayerBytes = 6 * 1024 * 1024;

    [Fact]
    public async Task KilledInTheMiddleOfALargeImageTheCopyEndsCompleteWithEveryBlobOnce()
    {
        await using var destination = await BerthProcess.StartAsync(BerthProcess.NewDataDirectory());
        await using var proxy = new StallingProxy(destination.Client.BaseAddress!, threshold: 2L * LayerBytes + LayerBytes / 2);
        var environment = new Dictionary<string, string>(RemoteReplicationTests.FastReplication)
        {
            ["Berth__Replication__ChunkSize"] = "1048576",
            ["Berth__Replication__ClaimDuration"] = "00:00:03",
        };
        var data = BerthProcess.NewDataDirectory();
        var source = await BerthProcess.StartAsync(data, environment);
        string manifestDigest;
        byte[] manifest;
        var blobs = new List<string>();
        try
        {
            await RemoteReplicationTests.CliAsync(data, "replication", "destination", "add", "far", "--endpoint", proxy.Address.ToString());
            var config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}"u8.ToArray();
            blobs.Add(await source.Client.PushBlobAsync("large/app", config));
            var layers = new List<(string, long)>();
            for (var i = 0; i < Layers; i++)
            {
                var layer = OciTestClient.RandomBytes(LayerBytes);
                var digest = await source.Client.PushBlobAsync("large/app", layer);
                blobs.Add(digest);
                layers.Add((digest, layer.Length));
            }

            manifest = OciTestClient.ImageManifest(blobs[0], config.Length, layers);
            manifestDigest = OciTestClient.DigestOf(manifest);
            using (var pushed = await source.Client.PutManifestAsync("large/app", "v1", manifest, OciTestClient.OciManifest))
            {
                Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
            }

            await proxy.Stalled.WaitAsync(TimeSpan.FromMinutes(3));
            await source.KillAsync();
        }
        finally
        {
            await source.DisposeAsync();
        }

        var afterKill = await SourceOutbox.ReadAsync(Path.Combine(data, "berth.db"));
        using (var missing = await destination.Client.GetAsync(new Uri($"v2/large/app/manifests/{manifestDigest}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        proxy.Release();
        await using var restarted = await BerthProcess.StartAsync(data, environment);
        var rows = await SourceOutbox.WaitAsync(restarted.DatabasePath, r => r.All(x => x.Status != "IN_PROGRESS"), restarted.Output);

        Assert.Equal("IN_PROGRESS", Assert.Single(afterKill).Status);
        Assert.Equal("COMPLETE", Assert.Single(rows).Status);
        using var pulled = await destination.Client.GetAsync(new Uri("v2/large/app/manifests/v1", UriKind.Relative));
        Assert.Equal(manifest, await pulled.Content.ReadAsByteArrayAsync());
        Assert.Equal(
            blobs.Order(StringComparer.Ordinal),
            (await StoreConsistency.AssertBlobsMatchTheirNamesAsync(destination.BlobsDirectory)).Order(StringComparer.Ordinal));
        await StoreConsistency.AssertDatabaseIsSoundAsync(destination.DatabasePath, destination.BlobsDirectory);
    }
}
