using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every <see cref="IImageCatalog"/> adapter must do.</summary>
public abstract class ImageCatalogContract
{
    protected abstract Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog)> CreateAsync();

    /// <summary>Runs SQL on the database the last <see cref="CreateAsync"/> opened.</summary>
    protected abstract Task ExecuteAsync(string sql);

    [Fact]
    public async Task ListingsHaveOneEntryPerTagAndPageWithoutGaps()
    {
        var (store, repository) = await RepositoryAsync();
        var tagged = await PutAsync(store, repository, "b", "a");
        var untagged = await PutAsync(store, repository);
        var all = new List<ImageId>();
        Page<ImageId> page;
        string? after = null;
        do
        {
            page = await store.Catalog.ListImagesAsync(repository, TagStatus.Any, null, new PageRequest(1, after), default);
            all.AddRange(page.Items);
            after = page.Items.Count > 0 ? page.Items[^1].Key : null;
        }
        while (page.HasMore);

        Assert.Equal(
            new[] { new ImageId(tagged, "a"), new ImageId(tagged, "b"), new ImageId(untagged, null) }.OrderBy(i => i.Key, StringComparer.Ordinal),
            all);
        Assert.Equal([new ImageId(untagged, null)], (await store.Catalog.ListImagesAsync(repository, TagStatus.Untagged, null, new PageRequest(10, null), default)).Items);
        Assert.Equal(2, (await store.Catalog.ListImagesAsync(repository, TagStatus.Tagged, null, new PageRequest(10, null), default)).Items.Count);
    }

    [Fact]
    public async Task TagStatusFollowsEveryTagChange()
    {
        // The TAGGED/UNTAGGED listings read manifests.tag_count (kept by triggers on tags): every way a tag comes and
        // goes must move it: a push with a tag, a tag moved to another manifest, a re-push of the same tag, a tag
        // deleted, a manifest deleted with its tags.
        var (store, repository) = await RepositoryAsync();
        var first = await PutAsync(store, repository, "x", "y");
        var second = await PutAsync(store, repository);
        await AssertStatusAsync([first], [second]);

        await PutAsync(store, repository, second, "x");
        await AssertStatusAsync([first, second], []);

        await PutAsync(store, repository, second, "y");
        await PutAsync(store, repository, second, "y");
        await AssertStatusAsync([second], [first]);

        Assert.True(await store.Images.DeleteTagAsync(repository, Tag.Parse("x"), default));
        Assert.True(await store.Images.DeleteTagAsync(repository, Tag.Parse("y"), default));
        await AssertStatusAsync([], [first, second]);

        await PutAsync(store, repository, first, "z");
        Assert.True(await store.Images.DeleteManifestAsync(repository, first, default));
        await PutAsync(store, repository, first, "z");
        await AssertStatusAsync([first], [second]);

        async Task AssertStatusAsync(Digest[] tagged, Digest[] untagged)
        {
            foreach (var (status, expected) in new[] { (TagStatus.Tagged, tagged), (TagStatus.Untagged, untagged) })
            {
                var want = expected.Select(d => d.ToString()).Order(StringComparer.Ordinal).ToList();
                var described = new List<string>();
                var listed = new HashSet<string>();
                string? after = null;
                Page<ImageDetail> page;
                do
                {
                    page = await store.Catalog.DescribeImagesAsync(repository, status, null, new PageRequest(1, after), default);
                    described.AddRange(page.Items.Select(i => i.Digest.ToString()));
                    after = page.Items.Count > 0 ? page.Items[^1].Digest.ToString() : null;
                }
                while (page.HasMore);

                foreach (var id in (await store.Catalog.ListImagesAsync(repository, status, null, new PageRequest(10, null), default)).Items)
                {
                    Assert.Equal(status == TagStatus.Tagged, id.Tag is not null);
                    listed.Add(id.Digest.ToString());
                }

                Assert.Equal(want, described);
                Assert.Equal(want, listed.Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public async Task DetailsCarryTagsSizeMediaTypesAndPullTime()
    {
        var (store, repository) = await RepositoryAsync();
        var digest = await PutAsync(store, repository, "v2", "v1");
        var untagged = await PutAsync(store, repository);
        var pulledAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

        await store.Catalog.RecordPullAsync(repository, digest, pulledAt, TimeSpan.FromMinutes(1), default);
        await store.Catalog.RecordPullAsync(repository, digest, pulledAt.AddSeconds(30), TimeSpan.FromMinutes(1), default);
        var detail = await store.Catalog.FindImageAsync(repository, Reference.Of(Tag.Parse("v1")), default);
        var described = await store.Catalog.DescribeImagesAsync(repository, TagStatus.Untagged, null, new PageRequest(10, null), default);

        Assert.Equal(digest, detail!.Digest);
        Assert.Equal(["v1", "v2"], detail.Tags);
        Assert.Equal(MediaTypes.OciManifest, detail.MediaType);
        Assert.Equal("application/vnd.oci.image.config.v1+json", detail.ArtifactMediaType);
        Assert.Equal(2, detail.ImageSize);
        Assert.Equal(pulledAt, detail.LastPulledAt);
        Assert.Equal([untagged], described.Items.Select(d => d.Digest));
        Assert.Empty(described.Items[0].Tags);
        Assert.Null(await store.Catalog.FindImageAsync(repository, Reference.Of(Tag.Parse("nope")), default));
    }

    [Fact]
    public async Task DeletingATagKeepsTheImageUntilItsLastTag()
    {
        var (store, repository) = await RepositoryAsync();
        var digest = await PutAsync(store, repository, "a", "b");

        var first = await store.Catalog.DeleteImageAsync(repository, null, Tag.Parse("a"), default);
        var mismatch = await store.Catalog.DeleteImageAsync(repository, Digest.Sha256Of([1]), Tag.Parse("b"), default);
        var last = await store.Catalog.DeleteImageAsync(repository, null, Tag.Parse("b"), default);

        Assert.Equal((ImageDeletionStatus.Deleted, false), (first.Status, first.ManifestDeleted));
        Assert.Equal(["a"], first.Tags);
        Assert.Equal(ImageDeletionStatus.TagDoesNotMatchDigest, mismatch.Status);
        Assert.Equal((ImageDeletionStatus.Deleted, true), (last.Status, last.ManifestDeleted));
        Assert.Equal(["b"], last.Tags);
        Assert.Null(await store.Images.FindManifestAsync(repository, Reference.Of(digest), default));
        Assert.Equal(ImageDeletionStatus.NotFound, (await store.Catalog.DeleteImageAsync(repository, digest, null, default)).Status);
    }

    [Fact]
    public async Task AManifestAnIndexListsIsNotDeleted()
    {
        var (store, repository) = await RepositoryAsync();
        var child = await PutAsync(store, repository, "child");
        var index = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{child}}","size":10}]}"""), null);
        Assert.True((await store.Images.PutManifestAsync(repository, index, null, default)).IsStored);

        var refused = await store.Catalog.DeleteImageAsync(repository, child, null, default);
        await store.Catalog.DeleteImageAsync(repository, index.Digest, null, default);
        var deleted = await store.Catalog.DeleteImageAsync(repository, child, null, default);

        Assert.Equal(ImageDeletionStatus.ReferencedByIndex, refused.Status);
        Assert.Equal([index.Digest], refused.ReferencedBy);
        Assert.Equal(["child"], deleted.Tags);
        Assert.True(deleted.ManifestDeleted);
    }

    [Fact]
    public async Task AnIndexIsAsLargeAsItsLargestChild()
    {
        var (store, repository) = await RepositoryAsync();
        var small = await PutAsync(store, repository, "small");
        var layer = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        await store.Links.LinkAsync(repository, layer, 1000, default);
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        await store.Links.LinkAsync(repository, config, 2, default);
        var large = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{layer}}","size":1000}]}"""), null);
        Assert.True((await store.Images.PutManifestAsync(repository, large, null, default)).IsStored);
        var index = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{small}}","size":10},{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{large.Digest}}","size":10}]}"""), null);
        Assert.True((await store.Images.PutManifestAsync(repository, index, Tag.Parse("multi"), default)).IsStored);
        var empty = ManifestParser.Parse(Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[]}"""), null);
        Assert.True((await store.Images.PutManifestAsync(repository, empty, Tag.Parse("empty"), default)).IsStored);

        Assert.Equal(1002, (await store.Catalog.FindImageAsync(repository, Reference.Of(Tag.Parse("multi")), default))!.ImageSize);
        Assert.Equal(0, (await store.Catalog.FindImageAsync(repository, Reference.Of(Tag.Parse("empty")), default))!.ImageSize);

        // Migration 0022 recomputes what older versions stored (the index JSON's length), two levels deep.
        var outer = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciIndex}}","digest":"{{index.Digest}}","size":10}]}"""), null);
        Assert.True((await store.Images.PutManifestAsync(repository, outer, Tag.Parse("outer"), default)).IsStored);
        await ExecuteAsync($"UPDATE manifests SET image_size = 7 WHERE media_type = '{MediaTypes.OciIndex}'");
        using (var script = new StreamReader(typeof(Berth.Storage.StorageOptions).Assembly.GetManifestResourceStream("Berth.Storage.Migrations.0022_index_image_size.sql")!))
        {
            await ExecuteAsync(await script.ReadToEndAsync());
        }

        Assert.Equal(1002, (await store.Catalog.FindImageAsync(repository, Reference.Of(Tag.Parse("outer")), default))!.ImageSize);
        Assert.Equal(1002, (await store.Catalog.FindImageAsync(repository, Reference.Of(Tag.Parse("multi")), default))!.ImageSize);
        Assert.Equal(0, (await store.Catalog.FindImageAsync(repository, Reference.Of(Tag.Parse("empty")), default))!.ImageSize);
    }

    private async Task<((IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog) Store, RepositoryName Repository)> RepositoryAsync()
    {
        var store = await CreateAsync();
        var repository = RepositoryName.Parse($"contract/{Guid.NewGuid():N}");
        Assert.True(await store.Repositories.CreateAsync(repository, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        return (store, repository);
    }

    /// <summary>Stores a fresh image manifest (config of 2 bytes, no layers) under each tag.</summary>
    private static async Task<Digest> PutAsync(
        (IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog) store, RepositoryName repository, params string[] tags)
    {
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[]}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest);
        Manifests[manifest.Digest] = manifest;
        await store.Links.LinkAsync(repository, config, 2, default);
        Assert.True((await store.Images.PutManifestAsync(repository, manifest, null, default)).IsStored);
        foreach (var tag in tags)
        {
            Assert.True((await store.Images.PutManifestAsync(repository, manifest, Tag.Parse(tag), default)).IsStored);
        }

        return manifest.Digest;
    }

    /// <summary>Pushes the manifest stored under <paramref name="digest"/> again (or again after its deletion) with a tag.</summary>
    private static async Task PutAsync(
        (IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog) store, RepositoryName repository, Digest digest, string tag)
    {
        var manifest = Manifests.GetValueOrDefault(digest) ?? throw new InvalidOperationException($"{digest} was not put by this contract");
        Assert.True((await store.Images.PutManifestAsync(repository, manifest, Tag.Parse(tag), default)).IsStored);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Digest, ParsedManifest> Manifests = new();
}
