using System.Text;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Events;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Repositories;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What the image-event outbox must do on every engine: a push or deletion queues one event per endpoint with the
/// change (none without endpoints, none for a push that changed nothing), a claimed row is not claimed again until its
/// claim runs out, and only its claimant settles it.
/// </summary>
public abstract class EventOutboxContract
{
    private static readonly RegistryIdentity Registry = new("000000000000", "us-east-1");
    private static readonly ImageEventEndpoints TwoEndpoints = new(["a", "b"]);
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(5);

    /// <summary>A fresh, migrated database of its own.</summary>
    private protected abstract Task<MetadataDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task APushQueuesOneEventPerEndpointAndARepeatedPushNone()
    {
        var database = await CreateDatabaseAsync();
        var repository = await RepositoryAsync(database, "app");
        var (digest, manifest) = await PushAsync(database, repository, "v1", TwoEndpoints);
        Assert.True((await new SqlImageStore(database, Registry, TimeProvider.System, TwoEndpoints).PutManifestAsync(repository, manifest, Tag.Parse("v1"), default)).IsStored);
        await PushAsync(database, repository, "v2", ImageEventEndpoints.None);

        var claimed = await new SqlEventOutbox(database).ClaimAsync("node-a", 10, Claim, default);

        Assert.Equal(["a", "b"], claimed.Select(e => e.Endpoint).Order());
        Assert.Single(claimed.Select(e => e.EventId).Distinct());
        var detail = JsonDocument.Parse(claimed[0].Payload).RootElement.GetProperty("detail");
        Assert.Equal(("PUSH", "SUCCESS", "app", digest.ToString(), "v1"), (
            detail.GetProperty("action-type").GetString(), detail.GetProperty("result").GetString(), detail.GetProperty("repository-name").GetString(),
            detail.GetProperty("image-digest").GetString(), detail.GetProperty("image-tag").GetString()));
    }

    [Fact]
    public async Task DeletionsQueueDeleteEventsWithTheirDigestAndTag()
    {
        var database = await CreateDatabaseAsync();
        var repository = await RepositoryAsync(database, "app");
        var endpoint = new ImageEventEndpoints(["a"]);
        var images = new SqlImageStore(database, Registry, TimeProvider.System, endpoint);
        var (first, _) = await PushAsync(database, repository, "v1", ImageEventEndpoints.None);
        var (second, _) = await PushAsync(database, repository, "v2", ImageEventEndpoints.None);
        var (third, _) = await PushAsync(database, repository, "v3", ImageEventEndpoints.None);

        Assert.True(await images.DeleteTagAsync(repository, Tag.Parse("v1"), default));
        Assert.True(await images.DeleteManifestAsync(repository, second, default));
        Assert.False(await images.DeleteManifestAsync(repository, second, default));
        var deletion = await new SqlImageCatalog(database, Registry, endpoint).DeleteImageAsync(repository, null, Tag.Parse("v3"), default);
        Assert.Equal(ImageDeletionStatus.Deleted, deletion.Status);

        var details = (await new SqlEventOutbox(database).ClaimAsync("node-a", 10, Claim, default))
            .Select(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("detail"))
            .Select(d => (d.GetProperty("action-type").GetString(), d.GetProperty("image-digest").GetString(), d.TryGetProperty("image-tag", out var tag) ? tag.GetString() : null))
            .ToList();
        Assert.Equal([("DELETE", first.ToString(), "v1"), ("DELETE", second.ToString(), null), ("DELETE", third.ToString(), "v3")], details);
    }

    [Fact]
    public async Task AClaimIsExclusiveUntilItRunsOutAndOnlyItsOwnerSettlesIt()
    {
        var database = await CreateDatabaseAsync();
        var repository = await RepositoryAsync(database, "app");
        await PushAsync(database, repository, "v1", new ImageEventEndpoints(["a"]));
        var outbox = new SqlEventOutbox(database);

        // A claim that ended a minute before it was taken stands for the claim of a node that died.
        var dead = Assert.Single(await outbox.ClaimAsync("node-a", 10, TimeSpan.FromMinutes(-1), default));
        var taken = Assert.Single(await outbox.ClaimAsync("node-b", 10, Claim, default));
        Assert.Empty(await outbox.ClaimAsync("node-c", 10, Claim, default));
        Assert.False(await outbox.DeliveredAsync(dead, "node-a", default));

        // A retry with no delay is due again at once, and counts the attempt.
        Assert.True(await outbox.RetryAsync(taken, "node-b", TimeSpan.Zero, "HTTP 503", default));
        var again = Assert.Single(await outbox.ClaimAsync("node-c", 10, Claim, default));
        Assert.Equal(1, again.Attempts);
        Assert.True(await outbox.RetryAsync(again, "node-c", TimeSpan.FromHours(1), "HTTP 503", default));
        Assert.Empty(await outbox.ClaimAsync("node-d", 10, Claim, default));
    }

    [Fact]
    public async Task DeliveredAndFailedRowsAreNeverClaimedAgain()
    {
        var database = await CreateDatabaseAsync();
        var repository = await RepositoryAsync(database, "app");
        await PushAsync(database, repository, "v1", new ImageEventEndpoints(["a", "b"]));
        var outbox = new SqlEventOutbox(database);
        var claimed = await outbox.ClaimAsync("node-a", 10, TimeSpan.FromMinutes(-1), default);

        Assert.True(await outbox.DeliveredAsync(claimed[0], "node-a", default));
        Assert.True(await outbox.FailAsync(claimed[1], "node-a", "gave up", default));
        Assert.False(await outbox.DeliveredAsync(claimed[1], "node-a", default));
        Assert.Empty(await outbox.ClaimAsync("node-b", 10, Claim, default));
    }

    private static async Task<RepositoryName> RepositoryAsync(MetadataDatabase database, string name)
    {
        var repository = RepositoryName.Parse(name);
        Assert.True(await new SqlRepositoryStore(database, Registry).CreateAsync(repository, RepositorySettings.Default, [], null, DateTimeOffset.UnixEpoch, default));
        return repository;
    }

    private static async Task<(Digest Digest, ParsedManifest Manifest)> PushAsync(MetadataDatabase database, RepositoryName repository, string tag, ImageEventEndpoints endpoints)
    {
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[]}"""), null);
        await new SqlBlobLinkStore(database, Registry, TimeProvider.System).LinkAsync(repository, config, 2, default);
        Assert.True((await new SqlImageStore(database, Registry, TimeProvider.System, endpoints).PutManifestAsync(repository, manifest, Tag.Parse(tag), default)).IsStored);
        return (manifest.Digest, manifest);
    }
}
