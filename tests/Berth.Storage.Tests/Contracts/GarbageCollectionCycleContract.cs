using System.Security.Cryptography;
using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Repositories;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// Whole <see cref="GarbageCollector"/> cycles over a real blob store and metadata database: what is removed, when,
/// and what stays. The clock is the system's moved by an offset, since blob stores stamp bytes with real time.
/// </summary>
public abstract class GarbageCollectionCycleContract
{
    private static readonly RegistryIdentity Registry = new("000000000000", "us-east-1");
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    /// <summary>A blob store, its inventory and the metadata stores (stamping with <paramref name="time"/>), all on fresh storage.</summary>
    protected abstract Task<Setup> CreateAsync(TimeProvider time);

    private Task<Setup> CreateAsync() => CreateAsync(TimeProvider.System);

    [Fact]
    public async Task OnlyBlobsUnreferencedForLongerThanTheGracePeriodAreRemoved()
    {
        var clock = new OffsetClock();
        var setup = await CreateAsync(clock);
        var collector = new GarbageCollector(setup.Inventory, setup.Stores.Garbage, clock);
        var repository = await NewRepositoryAsync(setup);
        var (kept, garbage, relinked) = (await PutAsync(setup), await PutAsync(setup), await PutAsync(setup));
        await PutImageAsync(setup, repository, kept);

        var first = await collector.RunAsync(Grace, dryRun: false, null, default);
        Assert.Empty(first.Removed);
        Assert.Equal(2, first.Waiting);

        clock.Offset = TimeSpan.FromMinutes(30);
        Assert.True(await setup.Stores.Links.LinkAsync(repository, relinked.Digest, relinked.Size, default));
        clock.Offset = TimeSpan.FromMinutes(61);
        var second = await collector.RunAsync(Grace, dryRun: false, null, default);

        Assert.Equal([garbage.Digest], second.Removed.Select(b => b.Digest));
        Assert.Equal(garbage.Size, second.BytesRemoved);
        Assert.Null(await setup.Blobs.FindSizeAsync(garbage.Digest, default));
        Assert.Equal(kept.Size, await setup.Blobs.FindSizeAsync(kept.Digest, default));
        Assert.Equal(relinked.Size, await setup.Blobs.FindSizeAsync(relinked.Digest, default));

        // Unreferenced again: the grace period starts over from when a cycle first sees it so.
        Assert.True(await setup.Stores.Links.UnlinkAsync(repository, relinked.Digest, default));
        clock.Offset = TimeSpan.FromMinutes(62);
        Assert.Empty((await collector.RunAsync(Grace, dryRun: false, null, default)).Removed);
        clock.Offset = TimeSpan.FromMinutes(123);
        Assert.Equal([relinked.Digest], (await collector.RunAsync(Grace, dryRun: false, null, default)).Removed.Select(b => b.Digest));
        Assert.Equal(kept.Size, await setup.Blobs.FindSizeAsync(kept.Digest, default));
    }

    [Fact]
    public async Task ADeletedImagesOwnBlobsAreRemovedAndTheBlobsItSharedStay()
    {
        var clock = new OffsetClock();
        var setup = await CreateAsync(clock);
        var collector = new GarbageCollector(setup.Inventory, setup.Stores.Garbage, clock);
        var repository = await NewRepositoryAsync(setup);
        var (shared, keptConfig, deletedConfig, deletedLayer) = (await PutAsync(setup), await PutAsync(setup), await PutAsync(setup), await PutAsync(setup));
        await PutImageAsync(setup, repository, keptConfig, shared);
        var deleted = await PutImageAsync(setup, repository, deletedConfig, shared, deletedLayer);
        Assert.True(await setup.Stores.Images.DeleteManifestAsync(repository, deleted, default));

        // Within the grace period after the links were made (a push may still put its manifest): nothing moves.
        var young = await collector.RunAsync(Grace, dryRun: false, null, default);
        Assert.Empty(young.Unlinked);
        Assert.Empty(young.Removed);
        Assert.Equal(0, young.Waiting);

        // Past it, the links go; the blobs, unreferenced from then on, wait one more grace period.
        clock.Offset = TimeSpan.FromMinutes(61);
        var unlinking = await collector.RunAsync(Grace, dryRun: false, null, default);
        Assert.Equal(new[] { deletedConfig.Digest, deletedLayer.Digest }.Order(DigestOrder.Instance), unlinking.Unlinked.Select(l => l.Digest).Order(DigestOrder.Instance));
        Assert.All(unlinking.Unlinked, l => Assert.Equal(repository.Value, l.Repository));
        Assert.Empty(unlinking.Removed);
        Assert.Equal(2, unlinking.Waiting);

        clock.Offset = TimeSpan.FromMinutes(122);
        var dryRun = await collector.RunAsync(Grace, dryRun: true, null, default);
        var sweep = await collector.RunAsync(Grace, dryRun: false, null, default);

        Assert.Equal(new[] { deletedConfig.Digest, deletedLayer.Digest }.Order(DigestOrder.Instance), dryRun.Removed.Select(b => b.Digest).Order(DigestOrder.Instance));
        Assert.Equal(new[] { deletedConfig.Digest, deletedLayer.Digest }.Order(DigestOrder.Instance), sweep.Removed.Select(b => b.Digest).Order(DigestOrder.Instance));
        Assert.Equal(deletedConfig.Size + deletedLayer.Size, sweep.BytesRemoved);
        Assert.Equal(dryRun.BytesRemoved, sweep.BytesRemoved);
        Assert.Null(await setup.Blobs.FindSizeAsync(deletedConfig.Digest, default));
        Assert.Null(await setup.Blobs.FindSizeAsync(deletedLayer.Digest, default));
        Assert.Equal(shared.Size, await setup.Blobs.FindSizeAsync(shared.Digest, default));
        Assert.Equal(keptConfig.Size, await setup.Blobs.FindSizeAsync(keptConfig.Digest, default));
        Assert.Equal(shared.Size, await setup.Stores.Links.FindAsync(repository, shared.Digest, default));
    }

    [Fact]
    public async Task ADryRunReportsWhatWouldBeRemovedAndChangesNothing()
    {
        var clock = new OffsetClock();
        var setup = await CreateAsync(clock);
        var collector = new GarbageCollector(setup.Inventory, setup.Stores.Garbage, clock);
        var garbage = await PutAsync(setup);
        await collector.RunAsync(Grace, dryRun: false, null, default);
        clock.Offset = TimeSpan.FromHours(2);

        var report = await collector.RunAsync(Grace, dryRun: true, null, default);

        Assert.True(report.DryRun);
        Assert.Equal([garbage.Digest], report.Removed.Select(b => b.Digest));
        Assert.Equal(garbage.Size, report.BytesRemoved);
        Assert.Equal(garbage.Size, await setup.Blobs.FindSizeAsync(garbage.Digest, default));
        Assert.Single(await setup.Stores.Garbage.ListCandidatesAsync(default));
        Assert.Equal([garbage.Digest], (await collector.RunAsync(Grace, dryRun: false, null, default)).Removed.Select(b => b.Digest));
    }

    [Fact]
    public async Task StagedBytesNoSessionRecordsAreRemovedOnceOlderThanTheGracePeriod()
    {
        var clock = new OffsetClock();
        var setup = await CreateAsync(clock);
        var collector = new GarbageCollector(setup.Inventory, setup.Stores.Garbage, clock);
        var repository = await NewRepositoryAsync(setup);
        var abandoned = await StageAsync(setup);
        var open = await StageAsync(setup);
        var now = clock.GetUtcNow();
        await setup.Stores.Uploads.CreateAsync(new UploadSession(open.Id, Registry, repository, open, now, now), default);

        Assert.Empty((await collector.RunAsync(Grace, dryRun: false, null, default)).UploadsRemoved);
        clock.Offset = TimeSpan.FromHours(2);
        var report = await collector.RunAsync(Grace, dryRun: false, null, default);

        Assert.Equal([abandoned.Id], report.UploadsRemoved);
        var staged = new List<string>();
        await foreach (var area in setup.Inventory.ListStagedAsync(default))
        {
            staged.Add(area.UploadId);
        }

        Assert.Equal([open.Id], staged);
    }

    [Fact]
    public async Task ASweepInterruptedAfterItsTombstonesIsFinishedByTheNextCycle()
    {
        var setup = await CreateAsync();
        var collector = new GarbageCollector(setup.Inventory, setup.Stores.Garbage, new OffsetClock());
        var repository = await NewRepositoryAsync(setup);
        var garbage = await PutAsync(setup);
        var stored = new StoredBlob(garbage.Digest, garbage.Size, DateTimeOffset.UnixEpoch);

        // A sweeper killed right after its tombstone transaction: the bytes are still there, pushes are held off.
        await setup.Stores.Garbage.AddCandidatesAsync([stored], DateTimeOffset.UnixEpoch, default);
        Assert.Single(await setup.Stores.Garbage.TombstoneAsync([stored], DateTimeOffset.UnixEpoch, default));
        Assert.False(await setup.Stores.Links.LinkAsync(repository, garbage.Digest, garbage.Size, default));

        var report = await collector.RunAsync(Grace, dryRun: false, null, default);

        Assert.Equal(1, report.TombstonesResumed);
        Assert.Null(await setup.Blobs.FindSizeAsync(garbage.Digest, default));
        Assert.Empty(await setup.Stores.Garbage.ListTombstonesAsync(default));
        Assert.True(await setup.Stores.Links.LinkAsync(repository, garbage.Digest, garbage.Size, default));
    }

    private static async Task<RepositoryName> NewRepositoryAsync(Setup setup)
    {
        var name = RepositoryName.Parse($"gc/{Guid.NewGuid():N}");
        Assert.True(await setup.Stores.Repositories.CreateAsync(name, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        return name;
    }

    private static async Task<(Digest Digest, long Size)> PutAsync(Setup setup)
    {
        var content = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(100, 5000));
        var upload = await StageAsync(setup, content);
        var digest = Digest.Sha256Of(content);
        await setup.Blobs.CommitAsync(upload, digest, default);
        return (digest, content.Length);
    }

    /// <summary>Links the blobs in the repository and puts an OCI manifest over them (the first is the config).</summary>
    private static async Task<Digest> PutImageAsync(Setup setup, RepositoryName repository, (Digest Digest, long Size) config, params (Digest Digest, long Size)[] layers)
    {
        foreach (var (digest, size) in layers.Prepend(config))
        {
            Assert.True(await setup.Stores.Links.LinkAsync(repository, digest, size, default));
        }

        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config.Digest}}","size":{{config.Size}}},"layers":[{{string.Join(",", layers.Select(l => $$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{l.Digest}}","size":{{l.Size}}}"""))}}]}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest);
        Assert.True((await setup.Stores.Images.PutManifestAsync(repository, manifest, null, default)).IsStored);
        return manifest.Digest;
    }

    private static async Task<StagedUpload> StageAsync(Setup setup, byte[]? content = null)
    {
        var upload = await setup.Blobs.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        return await setup.Blobs.AppendAsync(upload, new MemoryStream(content ?? RandomNumberGenerator.GetBytes(100)), default);
    }

    public sealed record Setup(IBlobStore Blobs, IBlobInventory Inventory, GarbageCollectionStoreContract.Stores Stores);

    private sealed class DigestOrder : IComparer<Digest>
    {
        public static readonly DigestOrder Instance = new();

        public int Compare(Digest x, Digest y) => string.CompareOrdinal(x.ToString(), y.ToString());
    }

    private sealed class OffsetClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
