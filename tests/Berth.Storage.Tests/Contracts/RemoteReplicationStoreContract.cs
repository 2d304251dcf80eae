using System.Text;
using Berth.Core.Content;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Replication;
using Berth.Core.Repositories;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What the remote-destination store, the outbox rows pushes queue for remote destinations, and the outbox
/// maintenance (backfill, counters, pruning) must do on every engine.
/// </summary>
public abstract class RemoteReplicationStoreContract
{
    private static readonly RegistryIdentity Source = new("000000000000", "us-east-1");
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(5);

    /// <summary>A fresh, migrated database of its own.</summary>
    private protected abstract Task<MetadataDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task ADestinationRoundTripsAndPushesToItsPrefixesAreQueuedForItButNotShownByTheEcrApi()
    {
        var database = await CreateDatabaseAsync();
        var remotes = new SqlRemoteDestinationStore(database, TimeProvider.System);
        var destination = new RemoteDestination("far", new Uri("https://registry.example.com/"), Source, ["prod/"], RemoteAuthentication.Basic, "robot", [1, 2, 3], null);
        var prod = await RepositoryAsync(database, "prod/app");
        var dev = await RepositoryAsync(database, "dev/app");

        Assert.True(await remotes.AddAsync(destination, default));
        Assert.False(await remotes.AddAsync(destination with { Endpoint = new Uri("https://other.example.com/") }, default));
        var found = (await remotes.FindAsync("far", default))!;
        await PushAsync(database, dev, Tag.Parse("v1"));
        var digest = await PushAsync(database, prod, Tag.Parse("v1"));
        var task = Assert.Single(await new SqlReplicationOutbox(database, TimeProvider.System).ClaimAsync("node-a", 10, Claim, default));

        Assert.Equal((destination.Name, destination.Endpoint, destination.Source, destination.Authentication, destination.Username, destination.SigningRegion),
            (found.Name, found.Endpoint, found.Source, found.Authentication, found.Username, found.SigningRegion));
        Assert.Equal(destination.RepositoryPrefixes, found.RepositoryPrefixes);
        Assert.Equal(destination.SealedSecret, found.SealedSecret);
        Assert.Equal(("far", prod, digest, "v1"), (task.Remote, task.Repository, task.Digest, task.Tag?.Value));
        Assert.Empty(await new SqlReplicationStore(database, Source, TimeProvider.System).ListStatusesAsync(prod, digest, default));
        Assert.True(await remotes.RemoveAsync("far", default));
        Assert.False(await remotes.RemoveAsync("far", default));
        Assert.Null(await remotes.FindAsync("far", default));
    }

    [Fact]
    public async Task BackfillQueuesTaggedAndTopLevelImagesOnceAndCountersAndPruningFollowTheRows()
    {
        var database = await CreateDatabaseAsync();
        var repository = await RepositoryAsync(database, "app");
        var tagged = await PushAsync(database, repository, Tag.Parse("v1"));
        await PushAsync(database, repository, null);
        await PushAsync(database, repository, null, subject: tagged); // a referrer: travels with its subject
        await new SqlRemoteDestinationStore(database, TimeProvider.System).AddAsync(
            new RemoteDestination("far", new Uri("http://127.0.0.1:1/"), Source, [], RemoteAuthentication.None, null, null, null), default);
        var maintenance = new SqlReplicationMaintenance(database);
        var outbox = new SqlReplicationOutbox(database, TimeProvider.System);

        var queued = await maintenance.BackfillAsync(Source, [], null, default);
        var again = await maintenance.BackfillAsync(Source, [], null, default);
        var otherDestination = await maintenance.BackfillAsync(Source, [], "000000000000/eu-west-1", default);
        var waiting = Assert.Single(await maintenance.ListStatsAsync(default));
        var tasks = await outbox.ClaimAsync("node-a", 10, Claim, default);
        var inFlight = Assert.Single(await maintenance.ListStatsAsync(default));
        Assert.True(await outbox.CompleteAsync(tasks[0], "node-a", default));
        Assert.True(await outbox.FailAsync(tasks[1], "node-a", ReplicationFailureCodes.AccessDenied, "401", default));
        var finished = Assert.Single(await maintenance.ListStatsAsync(default));
        var keptByRetention = await maintenance.PruneAsync(TimeSpan.FromHours(1), default);
        var recent = await maintenance.ListRecentAsync("far", 10, default);

        // A retention that ended a minute ago stands for rows older than the retention.
        var pruned = await maintenance.PruneAsync(TimeSpan.FromMinutes(-1), default);

        Assert.Equal((2, 0, 0), (queued, again, otherDestination));
        Assert.Equal(("far", 2L, 0L, 0L, 0L), (waiting.Destination, waiting.Queued, waiting.InFlight, waiting.Completed, waiting.Failed));
        Assert.NotNull(waiting.OldestQueuedAge);
        Assert.Equal((0L, 2L), (inFlight.Queued, inFlight.InFlight));
        Assert.Equal((0L, 0L, 1L, 1L, null), (finished.Queued, finished.InFlight, finished.Completed, finished.Failed, finished.OldestQueuedAge));
        Assert.Equal(0, keptByRetention);
        Assert.Equal([ReplicationStatus.Failed, ReplicationStatus.Complete], recent.Select(r => r.Status));
        Assert.Equal(("ACCESS_DENIED", "401"), (recent[0].FailureCode, recent[0].FailureReason));
        Assert.Equal(2, pruned);
        Assert.Empty(await maintenance.ListStatsAsync(default));
    }

    [Fact]
    public async Task ARecordedBlobIsTheMountSourceOfItsDestinationOnly()
    {
        var database = await CreateDatabaseAsync();
        var remotes = new SqlRemoteDestinationStore(database, TimeProvider.System);
        var digest = Digest.Sha256Of([1, 2, 3]);

        Assert.Null(await remotes.FindMountSourceAsync("far", digest, default));
        await remotes.RecordBlobAsync("far", digest, RepositoryName.Parse("team/a"), default);
        await remotes.RecordBlobAsync("far", digest, RepositoryName.Parse("team/b"), default);

        Assert.Equal(RepositoryName.Parse("team/b"), await remotes.FindMountSourceAsync("far", digest, default));
        Assert.Null(await remotes.FindMountSourceAsync("near", digest, default));
    }

    private static async Task<RepositoryName> RepositoryAsync(MetadataDatabase database, string name)
    {
        var repository = RepositoryName.Parse(name);
        Assert.True(await new SqlRepositoryStore(database, Source).CreateAsync(repository, RepositorySettings.Default, [], null, DateTimeOffset.UnixEpoch, default));
        return repository;
    }

    private static async Task<Digest> PushAsync(MetadataDatabase database, RepositoryName repository, Tag? tag, Digest? subject = null)
    {
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        var subjectJson = subject is null ? string.Empty : $$""","subject":{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{subject}}","size":10}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[]{{subjectJson}}}"""), null);
        await new SqlBlobLinkStore(database, Source, TimeProvider.System).LinkAsync(repository, config, 2, default);
        Assert.True((await new SqlImageStore(database, Source, TimeProvider.System).PutManifestAsync(repository, manifest, tag, default)).IsStored);
        return manifest.Digest;
    }
}
