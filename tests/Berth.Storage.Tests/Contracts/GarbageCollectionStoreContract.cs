using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Repositories;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="IGarbageCollectionStore"/> must do: references are links, manifest references and
/// reservations; a tombstone is written only for what nothing references, and while it exists links and reservations
/// of its digest are refused.
/// </summary>
public abstract class GarbageCollectionStoreContract
{
    private static readonly RegistryIdentity Registry = new("000000000000", "us-east-1");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    /// <summary>Stores over one fresh database; <c>Links</c> and <c>Images</c> serve <see cref="Registry"/> and stamp with <paramref name="time"/>.</summary>
    protected abstract Task<Stores> CreateAsync(TimeProvider time);

    private Task<Stores> CreateAsync() => CreateAsync(TimeProvider.System);

    [Fact]
    public async Task LinksNoManifestOfTheirRepositoryReferencesAreUnlinkedOnceOlderThanTheCutoff()
    {
        var clock = new SetClock(Now);
        var stores = await CreateAsync(clock);
        var (repository, other) = (await NewRepositoryAsync(stores), await NewRepositoryAsync(stores));
        var (shared, keptConfig, deletedConfig, deletedLayer) = (NewBlob(), NewBlob(), NewBlob(), NewBlob());
        await PutImageAsync(stores, repository, keptConfig, shared);
        var deleted = await PutImageAsync(stores, repository, deletedConfig, shared, deletedLayer);
        Assert.True(await stores.Links.LinkAsync(other, deletedLayer.Digest, deletedLayer.Size, default));
        Assert.True(await stores.Images.DeleteManifestAsync(repository, deleted, default));

        Assert.Empty(await stores.Garbage.ListUnreferencedLinksAsync(Now.AddSeconds(-1), default));
        var cutoff = Now.AddHours(1);
        var stale = await stores.Garbage.ListUnreferencedLinksAsync(cutoff, default);
        Assert.Equal(
            new[] { $"{repository} {deletedConfig.Digest}", $"{repository} {deletedLayer.Digest}", $"{other} {deletedLayer.Digest}" }.Order(StringComparer.Ordinal),
            stale.Select(l => $"{l.Repository} {l.Digest}").Order(StringComparer.Ordinal));
        Assert.All(stale, l => Assert.Equal(Registry, l.Registry));
        var referenced = await stores.Garbage.ListReferencedAsync(cutoff, default);
        Assert.Contains(shared.Digest, referenced);
        Assert.Contains(keptConfig.Digest, referenced);
        Assert.DoesNotContain(deletedConfig.Digest, referenced);
        Assert.DoesNotContain(deletedLayer.Digest, referenced);
        Assert.Contains(deletedLayer.Digest, await stores.Garbage.ListReferencedAsync(Now.AddSeconds(-1), default));

        Assert.Equal(stale.Order(LinkOrder.Instance), (await stores.Garbage.UnlinkAsync(stale, cutoff, default)).Order(LinkOrder.Instance));

        Assert.Null(await stores.Links.FindAsync(repository, deletedConfig.Digest, default));
        Assert.Null(await stores.Links.FindAsync(repository, deletedLayer.Digest, default));
        Assert.Null(await stores.Links.FindAsync(other, deletedLayer.Digest, default));
        Assert.Equal(shared.Size, await stores.Links.FindAsync(repository, shared.Digest, default));
        Assert.Equal(keptConfig.Size, await stores.Links.FindAsync(repository, keptConfig.Digest, default));
        Assert.Empty(await stores.Garbage.ListUnreferencedLinksAsync(cutoff, default));
        await stores.Garbage.AddCandidatesAsync([deletedConfig, deletedLayer], Now, default);
        Assert.Equal(2, (await stores.Garbage.TombstoneAsync([deletedConfig, deletedLayer], Now, default)).Count);
    }

    [Fact]
    public async Task ALinkMadeAgainAfterItWasListedIsNotUnlinked()
    {
        var clock = new SetClock(Now);
        var stores = await CreateAsync(clock);
        var repository = await NewRepositoryAsync(stores);
        var blob = NewBlob();
        Assert.True(await stores.Links.LinkAsync(repository, blob.Digest, blob.Size, default));
        var cutoff = Now.AddMinutes(30);
        var stale = await stores.Garbage.ListUnreferencedLinksAsync(cutoff, default);
        Assert.Single(stale);

        // A push uploads the blob again (a layer an earlier, deleted image had): its link is as young as the push.
        clock.Now = Now.AddHours(1);
        Assert.True(await stores.Links.LinkAsync(repository, blob.Digest, blob.Size, default));

        Assert.Empty(await stores.Garbage.UnlinkAsync(stale, cutoff, default));
        Assert.Equal(blob.Size, await stores.Links.FindAsync(repository, blob.Digest, default));
        Assert.Contains(blob.Digest, await stores.Garbage.ListReferencedAsync(cutoff, default));
    }

    [Fact]
    public async Task AManifestPutAndAnUnlinkOfItsBlobNeverLeaveAManifestWithoutItsLink()
    {
        var clock = new SetClock(Now);
        var stores = await CreateAsync(clock);
        var repository = await NewRepositoryAsync(stores);
        var outcomes = new List<(bool Stored, bool Unlinked)>();
        for (var round = 0; round < 30; round++)
        {
            var config = NewBlob();
            clock.Now = Now;
            Assert.True(await stores.Links.LinkAsync(repository, config.Digest, config.Size, default));
            clock.Now = Now.AddHours(2);
            var link = new UnreferencedLink(Registry, repository.Value, config.Digest, config.Size);
            var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(ManifestJson(config)), MediaTypes.OciManifest);
            var put = Task.Run(async () => await stores.Images.PutManifestAsync(repository, manifest, null, default));
            var unlink = Task.Run(async () => await stores.Garbage.UnlinkAsync([link], Now.AddHours(1), default));
            var (stored, unlinked) = ((await put).IsStored, (await unlink).Count == 1);
            outcomes.Add((stored, unlinked));
            Assert.Equal(stored, await stores.Links.FindAsync(repository, config.Digest, default) is not null);
            Assert.Equal(stored ? [config.Digest] : [], (await stores.Garbage.ListReferencedAsync(Now.AddHours(1), default)).Where(d => d == config.Digest));
        }

        Assert.DoesNotContain((true, true), outcomes);
        Assert.All(outcomes, o => Assert.True(o.Stored || o.Unlinked));
    }

    [Fact]
    public async Task OnlyBlobsNothingReferencesAreTombstoned()
    {
        var stores = await CreateAsync();
        var repository = await NewRepositoryAsync(stores);
        var (linked, loose) = (NewBlob(), NewBlob());
        Assert.True(await stores.Links.LinkAsync(repository, linked.Digest, linked.Size, default));
        await stores.Garbage.AddCandidatesAsync([linked, loose], Now, default);

        var tombstoned = await stores.Garbage.TombstoneAsync([linked, loose], Now, default);

        Assert.Equal([loose], tombstoned);
        Assert.Contains(linked.Digest, await stores.Garbage.ListReferencedAsync(DateTimeOffset.MinValue, default));
        Assert.DoesNotContain(loose.Digest, await stores.Garbage.ListReferencedAsync(DateTimeOffset.MinValue, default));
        Assert.Equal([loose.Digest], (await stores.Garbage.ListTombstonesAsync(default)).Select(b => b.Digest));
    }

    [Fact]
    public async Task ATombstoneRefusesLinksAndReservationsUntilItIsFinished()
    {
        var stores = await CreateAsync();
        var repository = await NewRepositoryAsync(stores);
        var blob = NewBlob();
        var session = await NewSessionAsync(stores, repository);
        await stores.Garbage.AddCandidatesAsync([blob], Now, default);
        Assert.Equal([blob], await stores.Garbage.TombstoneAsync([blob], Now, default));

        Assert.False(await stores.Links.LinkAsync(repository, blob.Digest, blob.Size, default));
        Assert.False(await stores.Uploads.ReserveDigestAsync(session.Id, blob.Digest, default));
        Assert.Null(await stores.Links.FindAsync(repository, blob.Digest, default));

        await stores.Garbage.FinishAsync([blob.Digest], default);

        Assert.Empty(await stores.Garbage.ListTombstonesAsync(default));
        Assert.Empty(await stores.Garbage.ListCandidatesAsync(default));
        Assert.True(await stores.Uploads.ReserveDigestAsync(session.Id, blob.Digest, default));
        Assert.True(await stores.Links.LinkAsync(repository, blob.Digest, blob.Size, default));
    }

    [Fact]
    public async Task AReservationOfACompletingUploadCountsAsAReferenceUntilItsSessionEnds()
    {
        var stores = await CreateAsync();
        var repository = await NewRepositoryAsync(stores);
        var blob = NewBlob();
        var session = await NewSessionAsync(stores, repository);
        await stores.Garbage.AddCandidatesAsync([blob], Now, default);

        Assert.True(await stores.Uploads.ReserveDigestAsync(session.Id, blob.Digest, default));
        Assert.True(await stores.Uploads.ReserveDigestAsync(session.Id, blob.Digest, default));

        Assert.Contains(blob.Digest, await stores.Garbage.ListReferencedAsync(DateTimeOffset.MinValue, default));
        Assert.Empty(await stores.Garbage.TombstoneAsync([blob], Now, default));
        Assert.Contains(session.Id, await stores.Garbage.ListUploadIdsAsync(default));

        await stores.Uploads.DeleteAsync(session.Id, default);

        Assert.DoesNotContain(session.Id, await stores.Garbage.ListUploadIdsAsync(default));
        Assert.Equal([blob], await stores.Garbage.TombstoneAsync([blob], Now, default));
    }

    [Fact]
    public async Task AManifestsReferenceKeepsABlobWhoseLinkIsGone()
    {
        var stores = await CreateAsync();
        var repository = await NewRepositoryAsync(stores);
        var config = NewBlob();
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config.Digest}}","size":{{config.Size}}},"layers":[]}""";
        Assert.True(await stores.Links.LinkAsync(repository, config.Digest, config.Size, default));
        Assert.True((await stores.Images.PutManifestAsync(repository, ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest), null, default)).IsStored);
        Assert.True(await stores.Links.UnlinkAsync(repository, config.Digest, default));
        await stores.Garbage.AddCandidatesAsync([config], Now, default);

        Assert.Contains(config.Digest, await stores.Garbage.ListReferencedAsync(DateTimeOffset.MinValue, default));
        Assert.Empty(await stores.Garbage.TombstoneAsync([config], Now, default));
    }

    [Fact]
    public async Task ACandidateKeepsTheTimeItWasFirstSeenUnreferenced()
    {
        var stores = await CreateAsync();
        var (first, second) = (NewBlob(), NewBlob());

        await stores.Garbage.AddCandidatesAsync([first], Now, default);
        await stores.Garbage.AddCandidatesAsync([first, second], Now.AddHours(1), default);

        var candidates = await stores.Garbage.ListCandidatesAsync(default);
        Assert.Equal(Now, candidates[first.Digest]);
        Assert.Equal(Now.AddHours(1), candidates[second.Digest]);

        await stores.Garbage.RemoveCandidatesAsync([first.Digest], default);
        Assert.Equal([second.Digest], (await stores.Garbage.ListCandidatesAsync(default)).Keys);
    }

    /// <summary>
    /// A whole sweep batch (<see cref="GarbageCollector.BatchSize"/>: one S3 DeleteObjects) goes through each statement
    /// at once: candidates added, a linked one kept out of the tombstones, the rest tombstoned and finished (on
    /// PostgreSQL, one advisory lock per digest in one transaction).
    /// </summary>
    [Fact]
    public async Task AWholeBatchIsTombstonedAndFinishedInOneCallEach()
    {
        var stores = await CreateAsync();
        var repository = await NewRepositoryAsync(stores);
        var batch = Enumerable.Range(0, GarbageCollector.BatchSize).Select(_ => NewBlob()).ToList();
        Assert.True(await stores.Links.LinkAsync(repository, batch[0].Digest, batch[0].Size, default));
        await stores.Garbage.AddCandidatesAsync(batch, Now, default);

        var tombstoned = await stores.Garbage.TombstoneAsync(batch, Now, default);
        await stores.Garbage.FinishAsync([.. tombstoned.Select(b => b.Digest)], default);

        Assert.Equal(batch.Skip(1), tombstoned);
        Assert.Empty(await stores.Garbage.ListTombstonesAsync(default));
        Assert.Equal([batch[0].Digest], (await stores.Garbage.ListCandidatesAsync(default)).Keys);
    }

    [Fact]
    public async Task ATombstoneIsReturnedAgainWhenASweepIsResumed()
    {
        var stores = await CreateAsync();
        var blob = NewBlob();
        await stores.Garbage.AddCandidatesAsync([blob], Now, default);

        Assert.Equal([blob], await stores.Garbage.TombstoneAsync([blob], Now, default));
        Assert.Equal([blob], await stores.Garbage.TombstoneAsync([blob], Now, default));
        Assert.Single(await stores.Garbage.ListTombstonesAsync(default));
    }

    [Fact]
    public async Task ALinkAndATombstoneRacingForOneBlobNeverBothSucceed()
    {
        var stores = await CreateAsync();
        var repository = await NewRepositoryAsync(stores);
        var outcomes = new List<(bool Linked, bool Tombstoned)>();
        for (var round = 0; round < 30; round++)
        {
            var blob = NewBlob();
            await stores.Garbage.AddCandidatesAsync([blob], Now, default);
            var link = Task.Run(async () => await stores.Links.LinkAsync(repository, blob.Digest, blob.Size, default));
            var tombstone = Task.Run(async () => (await stores.Garbage.TombstoneAsync([blob], Now, default)).Count == 1);
            outcomes.Add((await link, await tombstone));
        }

        Assert.DoesNotContain((true, true), outcomes);
        Assert.All(outcomes, o => Assert.True(o.Linked || o.Tombstoned));
    }

    private static string ManifestJson(StoredBlob config, params StoredBlob[] layers) =>
        $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config.Digest}}","size":{{config.Size}}},"layers":[{{string.Join(",", layers.Select(l => $$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{l.Digest}}","size":{{l.Size}}}"""))}}]}""";

    /// <summary>Links the config and layers in the repository and puts a manifest over them; returns its digest.</summary>
    private static async Task<Digest> PutImageAsync(Stores stores, RepositoryName repository, StoredBlob config, params StoredBlob[] layers)
    {
        foreach (var blob in layers.Prepend(config))
        {
            Assert.True(await stores.Links.LinkAsync(repository, blob.Digest, blob.Size, default));
        }

        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(ManifestJson(config, layers)), MediaTypes.OciManifest);
        Assert.True((await stores.Images.PutManifestAsync(repository, manifest, null, default)).IsStored);
        return manifest.Digest;
    }

    private static StoredBlob NewBlob()
    {
        var content = Guid.NewGuid().ToByteArray();
        return new StoredBlob(Digest.Sha256Of(content), content.Length, Now);
    }

    private static async Task<RepositoryName> NewRepositoryAsync(Stores stores)
    {
        var name = RepositoryName.Parse($"gc/{Guid.NewGuid():N}");
        Assert.True(await stores.Repositories.CreateAsync(name, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        return name;
    }

    private static async Task<UploadSession> NewSessionAsync(Stores stores, RepositoryName repository)
    {
        var id = Guid.NewGuid().ToString("D");
        var session = new UploadSession(id, Registry, repository, new StagedUpload(id, 0), Now, Now);
        await stores.Uploads.CreateAsync(session, default);
        return session;
    }

    private sealed class SetClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class LinkOrder : IComparer<UnreferencedLink>
    {
        public static readonly LinkOrder Instance = new();

        public int Compare(UnreferencedLink? x, UnreferencedLink? y) =>
            string.CompareOrdinal($"{x!.Repository} {x.Digest}", $"{y!.Repository} {y.Digest}");
    }

    public sealed record Stores(
        IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IUploadSessionStore Uploads, IGarbageCollectionStore Garbage);
}
