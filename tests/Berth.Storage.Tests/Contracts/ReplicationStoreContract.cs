using System.Text;
using Berth.Core.Content;
using Berth.Core.Events;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Registries;
using Berth.Core.Replication;
using Berth.Core.Repositories;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What the replication stores (<see cref="IReplicationStore"/>, <see cref="IReplicationOutbox"/>) and the outbox rows of a manifest push must do on every engine.</summary>
public abstract class ReplicationStoreContract
{
    private static readonly RegistryIdentity Source = new("000000000000", "us-east-1");
    private static readonly RegistryIdentity Destination = new("000000000000", "eu-west-1");
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(5);
    private static readonly string[] EventFields = ["result", "repository-name", "image-digest", "source-account", "action-type", "source-region", "image-tag"];

    /// <summary>A fresh, migrated database of its own.</summary>
    private protected abstract Task<MetadataDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task ConfigurationRoundTripsAndIsEmptyByDefault()
    {
        var database = await CreateDatabaseAsync();
        var store = new SqlReplicationStore(database, Source, TimeProvider.System);
        var configuration = new ReplicationConfiguration(
        [
            new ReplicationRule([new ReplicationDestination("000000000000", "eu-west-1"), new ReplicationDestination("222222222222", "us-east-1")], ["prod", "team/a"]),
            new ReplicationRule([new ReplicationDestination("333333333333", "us-west-2")], []),
        ]);

        Assert.Empty((await store.GetConfigurationAsync(default)).Rules);
        await store.PutConfigurationAsync(configuration, default);
        var found = await store.GetConfigurationAsync(default);

        Assert.Equal(configuration.ToJson(), found.ToJson());
        Assert.Empty((await new SqlReplicationStore(database, Destination, TimeProvider.System).GetConfigurationAsync(default)).Rules);
    }

    [Fact]
    public async Task PushQueuesOneRowPerMatchingDestinationAndNoneWithoutConfiguration()
    {
        var database = await CreateDatabaseAsync();
        var images = await SourceWithConfigurationAsync(database, ["prod"]);
        var other = await RepositoryAsync(database, Source, "dev/app");
        var prod = await RepositoryAsync(database, Source, "prod/app");

        await PushAsync(database, Source, other, "v1");
        var digest = await PushAsync(database, Source, prod, "v1");
        var stored = (await Images(database, Source).FindManifestAsync(prod, Reference.Of(digest), default))!;
        var again = ManifestParser.Parse(stored.Content, stored.MediaType);
        Assert.True((await Images(database, Source).PutManifestAsync(prod, again, Tag.Parse("v1"), default)).IsStored); // nothing new to replicate

        var statuses = await images.ListStatusesAsync(prod, digest, default);
        var status = Assert.Single(statuses);
        Assert.Equal(new ImageReplicationStatus(new ReplicationDestination(Destination.AccountId, Destination.Region), ReplicationStatus.InProgress, null, null), status);
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System);
        var task = Assert.Single(await outbox.ClaimAsync("node-a", 10, Claim, default));
        Assert.Equal((prod, digest, "v1"), (task.Repository, task.Digest, task.Tag?.Value));
    }

    [Fact]
    public async Task AClaimedRowIsNotClaimedAgainUntilItsClaimRunsOut()
    {
        var database = await CreateDatabaseAsync();
        await SourceWithConfigurationAsync(database, []);
        var repository = await RepositoryAsync(database, Source, "app");
        await PushAsync(database, Source, repository, "v1");
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System);

        // A claim that ended a minute before it was taken stands for the claim of a node that died.
        var claimed = await outbox.ClaimAsync("node-a", 10, TimeSpan.FromMinutes(-1), default);
        var takenOver = await outbox.ClaimAsync("node-b", 10, Claim, default);

        Assert.Single(claimed);
        Assert.Equal(claimed[0].Id, Assert.Single(takenOver).Id);
        Assert.Empty(await outbox.ClaimAsync("node-c", 10, Claim, default));
        Assert.False(await outbox.CompleteAsync(claimed[0], "node-a", default));
        Assert.True(await outbox.CompleteAsync(takenOver[0], "node-b", default));
        Assert.Empty(await outbox.ClaimAsync("node-c", 10, Claim, default));
    }

    [Fact]
    public async Task CompletingQueuesAReplicationEventPerWebhookWithTheStatusAndALostClaimQueuesNone()
    {
        var database = await CreateDatabaseAsync();
        await SourceWithConfigurationAsync(database, []);
        var repository = await RepositoryAsync(database, Source, "events/app");
        var digest = await PushAsync(database, Source, repository, "v1");
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System, new ImageEventEndpoints(["one", "two"]));

        var lost = Assert.Single(await outbox.ClaimAsync("node-a", 10, TimeSpan.FromMinutes(-1), default));
        var task = Assert.Single(await outbox.ClaimAsync("node-b", 10, Claim, default));
        Assert.False(await outbox.CompleteAsync(lost, "node-a", default));
        Assert.True(await outbox.CompleteAsync(task, "node-b", default));

        var events = await database.ListAsync("SELECT endpoint, payload FROM event_outbox ORDER BY endpoint", r => (r.GetString(0), r.GetString(1)), default);
        Assert.Equal(["one", "two"], events.Select(e => e.Item1));
        using var payload = System.Text.Json.JsonDocument.Parse(events[0].Item2);
        var root = payload.RootElement;
        Assert.Equal(("ECR Replication Action", Destination.AccountId, Destination.Region), (root.GetProperty("detail-type").GetString(), root.GetProperty("account").GetString(), root.GetProperty("region").GetString()));
        Assert.Equal(Destination.RepositoryArn("events/app"), root.GetProperty("resources")[0].GetString());
        var detail = root.GetProperty("detail");
        Assert.Equal(
            ["SUCCESS", "events/app", digest.ToString(), Source.AccountId, "REPLICATE", Source.Region, "v1"],
            EventFields.Select(n => detail.GetProperty(n).GetString()));
        Assert.Equal(events[0].Item2, events[1].Item2);
    }

    [Fact]
    public async Task RetryCountsAnAttemptAndDelaysTheRowFailRecordsTheCode()
    {
        var database = await CreateDatabaseAsync();
        var store = await SourceWithConfigurationAsync(database, []);
        var repository = await RepositoryAsync(database, Source, "app");
        var digest = await PushAsync(database, Source, repository, "v1");
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System);

        var task = Assert.Single(await outbox.ClaimAsync("node-a", 10, Claim, default));
        Assert.True(await outbox.RetryAsync(task, "node-a", TimeSpan.FromHours(1), "busy", default));
        Assert.Empty(await outbox.ClaimAsync("node-a", 10, Claim, default));
        Assert.Equal(ReplicationStatus.InProgress, Assert.Single(await store.ListStatusesAsync(repository, digest, default)).Status);

        await PushAsync(database, Source, repository, "v2");
        var next = Assert.Single(await outbox.ClaimAsync("node-a", 10, Claim, default));
        Assert.True(await outbox.FailAsync(next, "node-a", ReplicationFailureCodes.AccessDenied, "denied", default));
        var failed = Assert.Single(await store.ListStatusesAsync(repository, next.Digest, default));
        Assert.Equal((ReplicationStatus.Failed, ReplicationFailureCodes.AccessDenied, "denied"), (failed.Status, failed.FailureCode, failed.FailureReason));
    }

    [Fact]
    public async Task CopyBringsAnIndexItsChildrenAndAReferrerAsMetadataAndMovesTheTag()
    {
        var database = await CreateDatabaseAsync();
        await SourceWithConfigurationAsync(database, []);
        var repository = await RepositoryAsync(database, Source, "multi");
        var (amd64, _) = await PushImageAsync(database, Source, repository, null);
        var (arm64, _) = await PushImageAsync(database, Source, repository, null);
        var index = Parse($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{amd64}}","size":10},{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{arm64}}","size":10}]}""");
        Assert.True((await Images(database, Source).PutManifestAsync(repository, index, Tag.Parse("latest"), default)).IsStored);
        var (signature, _) = await PushImageAsync(database, Source, repository, null, subject: index.Digest);
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System);

        var indexTask = (await outbox.ClaimAsync("node-a", 100, Claim, default)).Single(t => t.Digest == index.Digest);
        Assert.Equal(ReplicationCopyOutcome.DestinationMissing, await outbox.CopyAsync(indexTask, default));
        await RepositoryAsync(database, Destination, "multi");
        Assert.Equal(ReplicationCopyOutcome.Copied, await outbox.CopyAsync(indexTask, default));
        Assert.Equal(ReplicationCopyOutcome.Copied, await outbox.CopyAsync(indexTask, default)); // idempotent

        var destination = Images(database, Destination);
        Assert.Equal(index.Digest, (await destination.FindManifestAsync(repository, Reference.Of(Tag.Parse("latest")), default))!.Digest);
        foreach (var digest in new[] { amd64, arm64, signature })
        {
            Assert.NotNull(await destination.FindManifestAsync(repository, Reference.Of(digest), default));
        }

        Assert.Equal(signature, Assert.Single(await destination.ListReferrersAsync(repository, index.Digest, null, default)).Digest);
        var links = new SqlBlobLinkStore(database, Destination, TimeProvider.System);
        var config = (await Images(database, Source).FindManifestAsync(repository, Reference.Of(amd64), default))!;
        Assert.NotNull(await links.FindAsync(repository, ManifestParser.Parse(config.Content, config.MediaType).Blobs[0], default));

        // The copy wrote no outbox row in the destination registry: one hop.
        Assert.Empty(await new SqlReplicationStore(database, Destination, TimeProvider.System).ListStatusesAsync(repository, index.Digest, default));
    }

    [Fact]
    public async Task CopyOfADeletedImageReportsTheSourceMissing()
    {
        var database = await CreateDatabaseAsync();
        await SourceWithConfigurationAsync(database, []);
        var repository = await RepositoryAsync(database, Source, "gone");
        await RepositoryAsync(database, Destination, "gone");
        var (digest, _) = await PushImageAsync(database, Source, repository, Tag.Parse("v1"));
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System);
        var task = Assert.Single(await outbox.ClaimAsync("node-a", 10, Claim, default));

        Assert.True(await Images(database, Source).DeleteManifestAsync(repository, digest, default));

        Assert.Equal(ReplicationCopyOutcome.SourceMissing, await outbox.CopyAsync(task, default));
        Assert.Null(await Images(database, Destination).FindManifestAsync(repository, Reference.Of(digest), default));
    }

    [Fact]
    public async Task AnImmutableDestinationTagIsLeftOnItsImage()
    {
        var database = await CreateDatabaseAsync();
        await SourceWithConfigurationAsync(database, []);
        var repository = await RepositoryAsync(database, Source, "pinned");
        Assert.True(await new SqlRepositoryStore(database, Destination).CreateAsync(
            repository, RepositorySettings.Default with { ImageTagMutability = "IMMUTABLE" }, [], null, DateTimeOffset.UnixEpoch, default));
        var (first, _) = await PushImageAsync(database, Source, repository, Tag.Parse("v1"));
        var (second, _) = await PushImageAsync(database, Source, repository, Tag.Parse("v1"));
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System);

        foreach (var task in await outbox.ClaimAsync("node-a", 10, Claim, default))
        {
            Assert.Equal(ReplicationCopyOutcome.Copied, await outbox.CopyAsync(task, default));
        }

        var destination = Images(database, Destination);
        Assert.Equal(first, (await destination.FindManifestAsync(repository, Reference.Of(Tag.Parse("v1")), default))!.Digest);
        Assert.NotNull(await destination.FindManifestAsync(repository, Reference.Of(second), default));
    }

    [Fact]
    public async Task ATagTheDestinationImageHasNoRoomForIsLeftBehind()
    {
        var database = await CreateDatabaseAsync();
        await SourceWithConfigurationAsync(database, []);
        var repository = await RepositoryAsync(database, Source, "crowded");
        await RepositoryAsync(database, Destination, "crowded");
        var (digest, _) = await PushImageAsync(database, Source, repository, Tag.Parse("a"));
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System);
        var first = Assert.Single(await outbox.ClaimAsync("node-a", 10, Claim, default));
        Assert.Equal(ReplicationCopyOutcome.Copied, await outbox.CopyAsync(first, default));
        Assert.True(await outbox.CompleteAsync(first, "node-a", default));

        // The destination's copy gets the rest of its quota of tags there; then the source tags the image once more.
        var destination = Images(database, Destination);
        var stored = (await destination.FindManifestAsync(repository, Reference.Of(digest), default))!;
        var manifest = ManifestParser.Parse(stored.Content, stored.MediaType);
        for (var i = 1; i < ImageService.MaxTagsPerImage; i++)
        {
            Assert.True((await destination.PutManifestAsync(repository, manifest, Tag.Parse($"d{i:D4}"), default)).IsStored);
        }

        Assert.True((await Images(database, Source).PutManifestAsync(repository, manifest, Tag.Parse("b"), default)).IsStored);
        var second = Assert.Single(await outbox.ClaimAsync("node-a", 10, Claim, default));
        Assert.Equal(ReplicationCopyOutcome.Copied, await outbox.CopyAsync(second, default));

        Assert.Null(await destination.FindManifestAsync(repository, Reference.Of(Tag.Parse("b")), default));
        Assert.Equal(digest, (await destination.FindManifestAsync(repository, Reference.Of(Tag.Parse("a")), default))!.Digest);
        Assert.Equal(ImageService.MaxTagsPerImage, (await destination.ListTagsAsync(repository, new PageRequest(2000, null), default)).Items.Count);
    }

    private static SqlImageStore Images(MetadataDatabase database, RegistryIdentity registry) => new(database, registry, TimeProvider.System);

    private static async Task<SqlReplicationStore> SourceWithConfigurationAsync(MetadataDatabase database, IReadOnlyList<string> filters)
    {
        var store = new SqlReplicationStore(database, Source, TimeProvider.System);
        await store.PutConfigurationAsync(
            new ReplicationConfiguration([new ReplicationRule([new ReplicationDestination(Destination.AccountId, Destination.Region)], filters)]), default);
        return store;
    }

    private static async Task<RepositoryName> RepositoryAsync(MetadataDatabase database, RegistryIdentity registry, string name)
    {
        var repository = RepositoryName.Parse(name);
        Assert.True(await new SqlRepositoryStore(database, registry).CreateAsync(repository, RepositorySettings.Default, [], null, DateTimeOffset.UnixEpoch, default));
        return repository;
    }

    private static async Task<Digest> PushAsync(MetadataDatabase database, RegistryIdentity registry, RepositoryName repository, string tag) =>
        (await PushImageAsync(database, registry, repository, Tag.Parse(tag))).Digest;

    private static async Task<(Digest Digest, Digest Config)> PushImageAsync(
        MetadataDatabase database, RegistryIdentity registry, RepositoryName repository, Tag? tag, Digest? subject = null)
    {
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        var subjectJson = subject is null ? string.Empty : $$""","subject":{"mediaType":"{{MediaTypes.OciIndex}}","digest":"{{subject}}","size":10}""";
        var manifest = Parse($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[]{{subjectJson}}}""");
        await new SqlBlobLinkStore(database, registry, TimeProvider.System).LinkAsync(repository, config, 2, default);
        Assert.True((await Images(database, registry).PutManifestAsync(repository, manifest, tag, default)).IsStored);
        return (manifest.Digest, config);
    }

    private static ParsedManifest Parse(string json) => ManifestParser.Parse(Encoding.UTF8.GetBytes(json), null);
}
