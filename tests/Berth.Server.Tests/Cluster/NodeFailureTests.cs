using System.Net;
using Berth.Server.BackgroundJobs;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// A node of a two-node cluster (a real berth process) is killed with SIGKILL; the other node (in process) carries
/// on: it finishes the upload the dead node was receiving, and takes over the background work the dead node held.
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class NodeFailureTests(PostgresCluster cluster)
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnUploadInterruptedByKillingItsNodeFinishesOnTheOtherNode()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        var blob = new GeneratedBlob(seed: 6006, length: 96 * MiB);
        const long firstChunk = 32 * MiB;
        const string repository = "cluster/killed";
        var data = BerthProcess.NewDataDirectory();
        await using var nodeB = await BerthTestServer.StartAsync(storage.Settings());
        string location;

        await using (var nodeA = await BerthProcess.StartAsync(data, storage.Environment()))
        {
            location = await RegistryCalls.StartUploadAsync(nodeA.Client, repository);
            using (var first = new GatedContent(blob, 0, firstChunk, long.MaxValue, announceLength: true))
            using (var response = await RegistryCalls.PatchAsync(nodeA.Client, location, first, 0))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                location = response.Headers.Location!.OriginalString;
            }

            // The second chunk stops half way, and node A dies while part of it is in the staged file.
            var staged = Path.Combine(storage.BlobsDirectory, "_uploads", RegistryCalls.UploadId(location));
            using var second = new GatedContent(blob, firstChunk, blob.Length - firstChunk, pauseAfter: 32 * MiB, announceLength: true);
            var patch = RegistryCalls.PatchAsync(nodeA.Client, location, second, firstChunk);
            await second.Paused.WaitAsync(Deadline);
            await RegistryCalls.WaitUntilAsync(() => RegistryCalls.FileLength(staged) > firstChunk, Deadline, "node A has staged part of the second chunk");
            await nodeA.KillAsync();
            second.Release();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => patch);
        }

        // Node B reports only what node A acknowledged, and takes the rest.
        Assert.Equal(firstChunk, await RegistryCalls.UploadStatusAsync(nodeB.Client, location));
        using (var rest = new GatedContent(blob, firstChunk, blob.Length - firstChunk, long.MaxValue, announceLength: true))
        using (var response = await RegistryCalls.PatchAsync(nodeB.Client, location, rest, firstChunk))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            location = response.Headers.Location!.OriginalString;
        }

        using (var response = await RegistryCalls.CompleteAsync(nodeB.Client, location, blob.Digest))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await RegistryCalls.AssertPullReturnsAsync(nodeB.Client, repository, blob);
        Assert.Equal([blob.Digest], await StoreConsistency.AssertBlobsMatchTheirNamesAsync(storage.BlobsDirectory));
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task TheUploadJanitorRunsOnOneNodeAndMovesToTheOtherWhenItsNodeDies()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        var janitor = new Dictionary<string, string?> { ["Berth:Uploads:PurgeInterval"] = "00:00:01", ["Berth:Uploads:MaxAge"] = "00:00:02" };
        var data = BerthProcess.NewDataDirectory();
        await using var nodeA = await BerthProcess.StartAsync(data, storage.Environment(janitor));
        await WaitForLeaseOwnerAsync(storage, owner => owner.Contains($"/{nodeA.ProcessId}/", StringComparison.Ordinal), "node A holds the janitor's lease");

        await using var nodeB = await BerthTestServer.StartAsync(storage.Settings(janitor));
        var nodeBIdentity = nodeB.Services.GetRequiredService<NodeIdentity>().Id;
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Contains($"/{nodeA.ProcessId}/", await LeaseOwnerAsync(storage), StringComparison.Ordinal);

        // Node A purges an upload abandoned on node B, then dies; node B takes the lease once it expires.
        var abandoned = await nodeB.Client.StartUploadAsync(BerthTestServer.NewRepositoryName("janitor"));
        await WaitUntilGoneAsync(nodeB.Client, abandoned);
        await nodeA.KillAsync();
        await WaitForLeaseOwnerAsync(storage, owner => owner == nodeBIdentity, "node B took over the janitor's lease");

        var second = await nodeB.Client.StartUploadAsync(BerthTestServer.NewRepositoryName("janitor"));
        await WaitUntilGoneAsync(nodeB.Client, second);
        Directory.Delete(data, recursive: true);
    }

    private static async Task WaitUntilGoneAsync(HttpClient client, string upload)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            using var response = await client.GetAsync(upload);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until the abandoned upload {upload} is purged");
            await Task.Delay(200);
        }
    }

    private static async Task<string> LeaseOwnerAsync(SharedStorage storage)
    {
        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT owner FROM leases WHERE name = @name", connection);
        command.Parameters.AddWithValue("name", UploadJanitor.LeaseName);
        return (string?)await command.ExecuteScalarAsync() ?? string.Empty;
    }

    private static async Task WaitForLeaseOwnerAsync(SharedStorage storage, Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition(await LeaseOwnerAsync(storage)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}; owner is '{await LeaseOwnerAsync(storage)}'");
            await Task.Delay(200);
        }
    }
}
