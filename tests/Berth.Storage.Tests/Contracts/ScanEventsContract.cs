using System.Text;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Events;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Repositories;
using Berth.Core.Scanning;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// The "ECR Image Scan" event of a finished scan is queued for every webhook endpoint by the transaction that
/// completes or fails the scan, and by nothing else: a worker whose claim was taken over queues none.
/// </summary>
public abstract class ScanEventsContract
{
    private static readonly RegistryIdentity Registry = new("000000000000", "us-east-1");
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(5);

    /// <summary>A fresh, migrated database of its own.</summary>
    private protected abstract Task<MetadataDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task CompletingOrFailingAScanQueuesOneEventPerEndpointAndALostClaimQueuesNone()
    {
        var database = await CreateDatabaseAsync();
        var backlog = new SqlScanBacklog(database, new ImageEventEndpoints(["ci", "audit"]), TimeProvider.System);
        var repository = RepositoryName.Parse("team/app");
        Assert.True(await new SqlRepositoryStore(database, Registry).CreateAsync(repository, RepositorySettings.Default with { ScanOnPush = true }, [], null, DateTimeOffset.UnixEpoch, default));
        var completed = await PushAsync(database, repository, "v2", "v1");

        var dead = Assert.Single(await backlog.ClaimAsync("node-a", 1, TimeSpan.FromMinutes(-1), default));
        var alive = Assert.Single(await backlog.ClaimAsync("node-b", 1, Claim, default));
        ScanFinding Finding(string name, string severity) => new(name, null, "https://x", severity, "pkg", "1.0", null, null);
        List<ScanFinding> findings = [Finding("CVE-1", "CRITICAL"), Finding("CVE-2", "LOW"), Finding("CVE-3", "LOW")];
        Assert.False(await backlog.CompleteAsync(dead, "node-a", findings, null, default));
        Assert.True(await backlog.CompleteAsync(alive, "node-b", findings, null, default));
        var failed = await PushAsync(database, repository, "broken");
        var task = Assert.Single(await backlog.ClaimAsync("node-b", 1, Claim, default));
        Assert.Equal(failed.ToString(), task.Digest);
        Assert.True(await backlog.FailAsync(task, "node-b", "layer unreadable", default));
        Assert.False(await backlog.FailAsync(task, "node-b", "again", default));

        var events = await new SqlEventOutbox(database).ClaimAsync("reader", 100, Claim, default);
        Assert.Equal(4, events.Count);
        Assert.Equal(["audit", "audit", "ci", "ci"], events.Select(e => e.Endpoint).Order(StringComparer.Ordinal));
        var byDigest = events.Select(e => JsonDocument.Parse(e.Payload).RootElement).GroupBy(e => e.GetProperty("detail").GetProperty("image-digest").GetString()!)
            .ToDictionary(g => g.Key, g => g.ToList());
        var complete = byDigest[completed.ToString()];
        Assert.Equal(2, complete.Count);
        Assert.Equal(complete[0].GetProperty("id").GetString(), complete[1].GetProperty("id").GetString());
        var first = complete[0];
        Assert.Equal(("ECR Image Scan", "aws.ecr", "000000000000", "us-east-1"), (
            first.GetProperty("detail-type").GetString(), first.GetProperty("source").GetString(), first.GetProperty("account").GetString(), first.GetProperty("region").GetString()));
        Assert.Equal(["arn:aws:ecr:us-east-1:000000000000:repository/team/app"], first.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        var detail = first.GetProperty("detail");
        Assert.Equal(("COMPLETE", "team/app"), (detail.GetProperty("scan-status").GetString(), detail.GetProperty("repository-name").GetString()));
        Assert.Equal(["v1", "v2"], detail.GetProperty("image-tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("""{"LOW":2,"CRITICAL":1}""", detail.GetProperty("finding-severity-counts").GetRawText());
        var failure = byDigest[failed.ToString()][0].GetProperty("detail");
        Assert.Equal(("FAILED", "{}"), (failure.GetProperty("scan-status").GetString(), failure.GetProperty("finding-severity-counts").GetRawText()));
        Assert.Equal(["broken"], failure.GetProperty("image-tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task WithoutEndpointsNothingIsQueued()
    {
        var database = await CreateDatabaseAsync();
        var backlog = new SqlScanBacklog(database);
        var repository = RepositoryName.Parse("quiet");
        Assert.True(await new SqlRepositoryStore(database, Registry).CreateAsync(repository, RepositorySettings.Default with { ScanOnPush = true }, [], null, DateTimeOffset.UnixEpoch, default));
        await PushAsync(database, repository, "v1");
        var task = Assert.Single(await backlog.ClaimAsync("node", 1, Claim, default));
        Assert.True(await backlog.CompleteAsync(task, "node", [], null, default));
        Assert.Empty(await new SqlEventOutbox(database).ClaimAsync("reader", 100, Claim, default));
    }

    private static async Task<Digest> PushAsync(MetadataDatabase database, RepositoryName repository, params string[] tags)
    {
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[]}"""), null);
        await new SqlBlobLinkStore(database, Registry, TimeProvider.System).LinkAsync(repository, config, 2, default);
        foreach (var tag in tags)
        {
            Assert.True((await new SqlImageStore(database, Registry, TimeProvider.System).PutManifestAsync(repository, manifest, Tag.Parse(tag), default)).IsStored);
        }

        return manifest.Digest;
    }
}
