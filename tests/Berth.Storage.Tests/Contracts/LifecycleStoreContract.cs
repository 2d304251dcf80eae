using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Lifecycle;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every <see cref="ILifecycleStore"/>, <see cref="ILifecycleSchedule"/> and <see cref="IPullTimeExclusionStore"/> adapter must do.</summary>
public abstract class LifecycleStoreContract
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);

    protected abstract Task<LifecycleStores> CreateAsync();

    [Fact]
    public async Task PolicyIsStoredEvaluatedAndDeletedWithItsRepository()
    {
        var (stores, repository) = await RepositoryAsync();
        var missing = RepositoryName.Parse($"contract/{Guid.NewGuid():N}");

        Assert.False(await stores.Lifecycle.SetPolicyAsync(missing, "{}", default));
        Assert.True(await stores.Lifecycle.SetPolicyAsync(repository, "first", default));
        await stores.Lifecycle.MarkEvaluatedAsync(repository, "first", At, default);
        Assert.Equal(new StoredLifecyclePolicy("first", At), await stores.Lifecycle.FindPolicyAsync(repository, default));
        Assert.Contains(repository, (await stores.Schedule.ListAsync(default)).Select(e => e.Repository));

        // A new text has not been evaluated yet, and an evaluation of the old text does not mark it.
        Assert.True(await stores.Lifecycle.SetPolicyAsync(repository, "second", default));
        await stores.Lifecycle.MarkEvaluatedAsync(repository, "first", At, default);
        Assert.Equal(new StoredLifecyclePolicy("second", null), await stores.Lifecycle.FindPolicyAsync(repository, default));

        Assert.Equal("second", (await stores.Lifecycle.DeletePolicyAsync(repository, default))!.Text);
        Assert.Null(await stores.Lifecycle.DeletePolicyAsync(repository, default));
        Assert.True(await stores.Lifecycle.SetPolicyAsync(repository, "third", default));
        Assert.Equal(RepositoryDeletion.Deleted, await stores.Repositories.DeleteAsync(repository, force: true, default));
        Assert.DoesNotContain(repository, (await stores.Schedule.ListAsync(default)).Select(e => e.Repository));
    }

    [Fact]
    public async Task ImagesCarryTagsTimesStatusAndIndexMembership()
    {
        var (stores, repository) = await RepositoryAsync();
        var child = await PutAsync(stores, repository, "b", "a");
        var untagged = await PutAsync(stores, repository);
        var index = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{child}}","size":10}]}"""), null);
        Assert.True((await stores.Images.PutManifestAsync(repository, index, null, default)).IsStored);

        Assert.True(await stores.Lifecycle.SetStatusAsync(repository, untagged, ImageStatus.Archived, At, default));
        Assert.False(await stores.Lifecycle.SetStatusAsync(repository, Digest.Sha256Of([1]), ImageStatus.Archived, At, default));
        var images = (await stores.Lifecycle.ListImagesAsync(repository, default)).ToDictionary(i => i.Digest);

        Assert.Equal(["a", "b"], images[child].Tags);
        Assert.True(images[child].ReferencedByIndex);
        Assert.False(images[index.Digest].ReferencedByIndex);
        Assert.Equal(ImageStatus.Active, images[child].Status);
        Assert.Equal(ImageStatus.Archived, images[untagged].Status);
        Assert.Equal(At, images[untagged].ArchivedAt);
        Assert.Empty(images[untagged].Tags);
    }

    [Fact]
    public async Task RestoringKeepsTheArchiveTimeAndRecordsTheActivation()
    {
        var (stores, repository) = await RepositoryAsync();
        var digest = await PutAsync(stores, repository, "v1");

        Assert.Equal(ImageStorageState.Active, await stores.Lifecycle.FindStatusAsync(repository, digest, default));
        await stores.Lifecycle.SetStatusAsync(repository, digest, ImageStatus.Archived, At, default);
        await stores.Lifecycle.SetStatusAsync(repository, digest, ImageStatus.Active, At.AddHours(1), default);

        Assert.Equal(new ImageStorageState(ImageStatus.Active, At, At.AddHours(1)), await stores.Lifecycle.FindStatusAsync(repository, digest, default));
        Assert.Null(await stores.Lifecycle.FindStatusAsync(repository, Digest.Sha256Of([2]), default));
        Assert.Equal(ImageDeletionStatus.Deleted, (await stores.Catalog.DeleteImageAsync(repository, digest, null, default)).Status);
        Assert.Null(await stores.Lifecycle.FindStatusAsync(repository, digest, default));
    }

    [Fact]
    public async Task PreviewRoundTripsItsResults()
    {
        var (stores, repository) = await RepositoryAsync();
        var digest = Digest.Sha256Of([3]);
        var preview = new LifecyclePreview("text", LifecyclePreviewStatus.Complete,
            [new LifecyclePreviewResult(digest, ["a", "b"], At, LifecycleActionType.Transition, 7, ImageStorageClass.Standard)], At);

        Assert.Null(await stores.Lifecycle.FindPreviewAsync(repository, default));
        Assert.True(await stores.Lifecycle.SavePreviewAsync(repository, preview, default));
        var found = await stores.Lifecycle.FindPreviewAsync(repository, default);

        Assert.Equal(preview with { Results = [] }, found! with { Results = [] });
        var result = Assert.Single(found.Results);
        Assert.Equal(preview.Results[0] with { Tags = [] }, result with { Tags = [] });
        Assert.Equal(["a", "b"], result.Tags);
    }

    [Fact]
    public async Task ExclusionsAreRegisteredOnceAndListedInOrder()
    {
        var stores = await CreateAsync();
        var first = $"arn:aws:iam::123456789012:user/{Guid.NewGuid():N}";
        var second = $"arn:aws:iam::123456789012:role/{Guid.NewGuid():N}";

        Assert.True(await stores.Exclusions.RegisterAsync(second, At, default));
        Assert.True(await stores.Exclusions.RegisterAsync(first, At, default));
        Assert.False(await stores.Exclusions.RegisterAsync(first, At, default));
        var page = await stores.Exclusions.ListAsync(new PageRequest(1, null), default);
        var rest = await stores.Exclusions.ListAsync(new PageRequest(10, page.Items[0]), default);

        Assert.True(page.HasMore);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), page.Items.Concat(rest.Items));
        Assert.True(await stores.Exclusions.IsExcludedAsync(["arn:aws:iam::123456789012:root", second], default));
        Assert.True(await stores.Exclusions.DeregisterAsync(second, default));
        Assert.False(await stores.Exclusions.DeregisterAsync(second, default));
        Assert.False(await stores.Exclusions.IsExcludedAsync([second], default));
        Assert.Equal(1, await stores.Exclusions.CountAsync(default));
    }

    private async Task<(LifecycleStores Stores, RepositoryName Repository)> RepositoryAsync()
    {
        var stores = await CreateAsync();
        var repository = RepositoryName.Parse($"contract/{Guid.NewGuid():N}");
        Assert.True(await stores.Repositories.CreateAsync(repository, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        return (stores, repository);
    }

    private static async Task<Digest> PutAsync(LifecycleStores stores, RepositoryName repository, params string[] tags)
    {
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[]}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest);
        await stores.Links.LinkAsync(repository, config, 2, default);
        Assert.True((await stores.Images.PutManifestAsync(repository, manifest, null, default)).IsStored);
        foreach (var tag in tags)
        {
            Assert.True((await stores.Images.PutManifestAsync(repository, manifest, Tag.Parse(tag), default)).IsStored);
        }

        return manifest.Digest;
    }
}

/// <summary>The stores a <see cref="LifecycleStoreContract"/> runs against, all on one database and registry.</summary>
public sealed record LifecycleStores(
    IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog, ILifecycleStore Lifecycle, ILifecycleSchedule Schedule,
    IPullTimeExclusionStore Exclusions);
