using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Layers;
using Berth.Core.Lifecycle;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// Archived images in the listings and layer checks: ListImages and DescribeImages filter on the image status (ACTIVE
/// when no row says otherwise), ImageDetail carries it, a layer only archived images use is archived, and putting an
/// archived image's manifest again restores it.
/// </summary>
public abstract class ImageStatusContract
{
    private static readonly DateTimeOffset ArchivedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    protected abstract Task<Stores> CreateAsync();

    /// <summary>The engine's query plan of <paramref name="sql"/> on a new database, its parameters bound, as text.</summary>
    private protected abstract Task<string> PlanAsync(string sql);

    /// <summary>Whether a plan seeks image_storage_status to (repository, status, digest after the cursor).</summary>
    private protected abstract bool SeeksTheStatusIndex(string plan);

    [Fact]
    public async Task ArchivedImagesAreListedByTheirStatusTheirLayersAreArchivedAndAPutRestoresThem()
    {
        var stores = await CreateAsync();
        var repository = RepositoryName.Parse($"status/{Guid.NewGuid():N}");
        Assert.True(await stores.Repositories.CreateAsync(repository, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        var (active, activeLayer, _) = await PutAsync(stores, repository, "active");
        var (archived, archivedLayer, archivedManifest) = await PutAsync(stores, repository, "old");
        Assert.True(await stores.Lifecycle.SetStatusAsync(repository, archived, ImageStatus.Archived, ArchivedAt, default));

        Assert.Equal([active], await ListAsync(stores, repository, ImageStatus.Active));
        Assert.Equal([archived], await ListAsync(stores, repository, ImageStatus.Archived));
        Assert.Empty(await ListAsync(stores, repository, ImageStatus.Activating));
        Assert.Equal(new[] { active, archived }.Select(d => d.ToString()).Order(StringComparer.Ordinal), (await ListAsync(stores, repository, null)).Select(d => d.ToString()));
        var described = (await stores.Catalog.DescribeImagesAsync(repository, TagStatus.Any, ImageStatus.Archived, new PageRequest(10, null), default)).Items;
        Assert.Equal(new ImageStorageState(ImageStatus.Archived, ArchivedAt, null), Assert.Single(described).Storage);
        Assert.Equal(ImageStorageState.Active, Assert.Single((await stores.Catalog.DescribeImagesAsync(repository, TagStatus.Any, ImageStatus.Active, new PageRequest(10, null), default)).Items).Storage);
        Assert.Equal(ImageStatus.Archived, (await stores.Catalog.FindImageAsync(repository, Reference.Of(Tag.Parse("old")), default))!.Storage.Status);
        Assert.True(await stores.Layers.IsArchivedAsync(repository, archivedLayer, default));
        Assert.False(await stores.Layers.IsArchivedAsync(repository, activeLayer, default));
        Assert.False(await stores.Layers.IsArchivedAsync(repository, Digest.Sha256Of([1, 2, 3]), default));

        Assert.True((await stores.Images.PutManifestAsync(repository, archivedManifest, null, default)).IsStored);

        var restored = (await stores.Catalog.FindImageAsync(repository, Reference.Of(archived), default))!.Storage;
        Assert.Equal(ImageStatus.Active, restored.Status);
        Assert.Equal(ArchivedAt, restored.LastArchivedAt);
        Assert.NotNull(restored.LastActivatedAt);
        Assert.Equal(2, (await ListAsync(stores, repository, ImageStatus.Active)).Count);
        Assert.False(await stores.Layers.IsArchivedAsync(repository, archivedLayer, default));
    }

    [Fact]
    public async Task EveryStatusFilterPagesThroughBothListingsWithEveryTagStatus()
    {
        // Active without a row, active again after a restore (a row saying ACTIVE), archived; tagged once, twice, not.
        var stores = await CreateAsync();
        var repository = RepositoryName.Parse($"status/{Guid.NewGuid():N}");
        Assert.True(await stores.Repositories.CreateAsync(repository, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        var images = new List<(Digest Digest, string[] Tags, ImageStatus Status)>();
        foreach (var (tags, status, restored) in new (string[], ImageStatus, bool)[]
        {
            (["a"], ImageStatus.Active, false), ([], ImageStatus.Active, false), (["b", "b2"], ImageStatus.Active, false),
            (["c"], ImageStatus.Archived, false), ([], ImageStatus.Archived, false), (["d"], ImageStatus.Active, true), ([], ImageStatus.Active, true),
        })
        {
            var (digest, _, manifest) = await PutAsync(stores, repository, tags.Length > 0 ? tags[0] : null);
            foreach (var tag in tags.Skip(1))
            {
                Assert.True((await stores.Images.PutManifestAsync(repository, manifest, Tag.Parse(tag), default)).IsStored);
            }

            if (status == ImageStatus.Archived || restored)
            {
                Assert.True(await stores.Lifecycle.SetStatusAsync(repository, digest, ImageStatus.Archived, ArchivedAt, default));
            }

            if (restored)
            {
                Assert.True((await stores.Images.PutManifestAsync(repository, manifest, null, default)).IsStored);
            }

            images.Add((digest, tags, status));
        }

        foreach (var status in new ImageStatus?[] { ImageStatus.Active, ImageStatus.Archived, ImageStatus.Activating, null })
        {
            foreach (var tagStatus in new[] { TagStatus.Any, TagStatus.Tagged, TagStatus.Untagged })
            {
                var matching = images
                    .Where(i => (status is null || i.Status == status) && tagStatus switch { TagStatus.Tagged => i.Tags.Length > 0, TagStatus.Untagged => i.Tags.Length == 0, _ => true })
                    .OrderBy(i => i.Digest.ToString(), StringComparer.Ordinal)
                    .ToList();
                var expectedIds = matching.SelectMany(i => i.Tags.Length == 0 ? [i.Digest.ToString()] : i.Tags.Order(StringComparer.Ordinal).Select(t => $"{i.Digest} {t}")).ToList();

                var ids = new List<string>();
                for (string? after = null; ;)
                {
                    var page = await stores.Catalog.ListImagesAsync(repository, tagStatus, status, new PageRequest(2, after), default);
                    ids.AddRange(page.Items.Select(i => i.Key));
                    if (!page.HasMore)
                    {
                        break;
                    }

                    after = page.Items[^1].Key;
                }

                Assert.True(expectedIds.SequenceEqual(ids), $"ListImages {tagStatus} {status}: [{string.Join(", ", ids)}]");

                var details = new List<ImageDetail>();
                for (string? after = null; ;)
                {
                    var page = await stores.Catalog.DescribeImagesAsync(repository, tagStatus, status, new PageRequest(2, after), default);
                    details.AddRange(page.Items);
                    if (!page.HasMore)
                    {
                        break;
                    }

                    after = page.Items[^1].Digest.ToString();
                }

                Assert.True(matching.Select(i => i.Digest).SequenceEqual(details.Select(d => d.Digest)), $"DescribeImages {tagStatus} {status}: {details.Count}");
                Assert.All(details, d => Assert.Equal(images.Single(i => i.Digest == d.Digest).Status, d.Storage.Status));
            }
        }
    }

    [Fact]
    public async Task ArchivedAndActivatingListingsWalkTheStatusIndexNotEveryManifest()
    {
        foreach (var status in new[] { ImageStatus.Archived, ImageStatus.Activating })
        {
            foreach (var tagStatus in new[] { TagStatus.Any, TagStatus.Tagged, TagStatus.Untagged })
            {
                var listPlan = await PlanAsync(SqlImageCatalog.ListImagesSql(tagStatus, status));
                var describePlan = await PlanAsync(SqlImageCatalog.DescribeImagesSql(tagStatus, status));

                Assert.True(SeeksTheStatusIndex(listPlan), $"ListImages {tagStatus} {status}:\n{listPlan}");
                Assert.True(SeeksTheStatusIndex(describePlan), $"DescribeImages {tagStatus} {status}:\n{describePlan}");
            }
        }
    }

    /// <summary>Values for every parameter of the listings' SQL.</summary>
    private protected static readonly (string Name, object? Value)[] ListingParameters =
    [
        ("@account", "000000000000"), ("@region", "us-east-1"), ("@name", "status/plan"), ("@afterDigest", "sha256:0"), ("@afterTag", ""), ("@after", "sha256:0"),
        ("@limit", 101),
    ];

    private static async Task<List<Digest>> ListAsync(Stores stores, RepositoryName repository, ImageStatus? status) =>
        [.. (await stores.Catalog.ListImagesAsync(repository, TagStatus.Any, status, new PageRequest(10, null), default)).Items.Select(i => i.Digest)];

    /// <summary>An image of a config and a layer of its own, tagged unless the tag is null; returns its digest, its layer and its manifest.</summary>
    private static async Task<(Digest Digest, Digest Layer, ParsedManifest Manifest)> PutAsync(Stores stores, RepositoryName repository, string? tag)
    {
        var (config, layer) = (Digest.Sha256Of(Guid.NewGuid().ToByteArray()), Digest.Sha256Of(Guid.NewGuid().ToByteArray()));
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":16},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{layer}}","size":16}]}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest);
        Assert.True(await stores.Links.LinkAsync(repository, config, 16, default));
        Assert.True(await stores.Links.LinkAsync(repository, layer, 16, default));
        Assert.True((await stores.Images.PutManifestAsync(repository, manifest, tag is null ? null : Tag.Parse(tag), default)).IsStored);
        return (manifest.Digest, layer, manifest);
    }

    public sealed record Stores(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog, ILifecycleStore Lifecycle, ILayerStore Layers);
}
