using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Layers;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Repositories;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every <see cref="ILayerStore"/> must do, with the upload sessions its rows belong to.</summary>
public abstract class LayerStoreContract
{
    protected abstract Task<(ILayerStore Layers, IUploadSessionStore Uploads)> CreateAsync();

    /// <summary>A layer store with the repository, image and link stores of the same database.</summary>
    protected abstract Task<(ILayerStore Layers, IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links)> CreateWithImagesAsync();

    [Fact]
    public async Task TheFirstPushedManifestReferencingABlobIsFound()
    {
        var (layers, repositories, images, links) = await CreateWithImagesAsync();
        var repository = RepositoryName.Parse($"layers/{Guid.NewGuid():N}");
        Assert.True(await repositories.CreateAsync(repository, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        var config = Digest.Sha256Of([1]);
        var layer = Digest.Sha256Of([2]);
        var loose = Digest.Sha256Of([3]);
        foreach (var blob in new[] { config, layer, loose })
        {
            await links.LinkAsync(repository, blob, 1, default);
        }

        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":1},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{layer}}","size":1}]}"""), null);
        Assert.True((await images.PutManifestAsync(repository, manifest, null, default)).IsStored);

        var found = await layers.FindReferencingManifestAsync(repository, layer, default);
        Assert.Equal(manifest.Digest, found!.Digest);
        Assert.Equal(manifest.Content.ToArray(), found.Content.ToArray());
        Assert.Equal(manifest.Digest, (await layers.FindReferencingManifestAsync(repository, config, default))!.Digest);
        Assert.Null(await layers.FindReferencingManifestAsync(repository, loose, default));
        Assert.Null(await layers.FindReferencingManifestAsync(RepositoryName.Parse("layers/other"), layer, default));
    }

    [Fact]
    public async Task PartBookkeepingIsKeptPerUploadAndGoesAwayWithItsSession()
    {
        var (layers, uploads) = await CreateAsync();
        var id = Guid.NewGuid().ToString("D");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await uploads.CreateAsync(new UploadSession(id, new Berth.Core.Registries.RegistryIdentity("000000000000", "us-east-1"), RepositoryName.Parse("layers/parts"), new StagedUpload(id, 0), now, now), default);

        await layers.SavePartsAsync(id, new LayerParts(0, false), default);
        await layers.SavePartsAsync(id, new LayerParts(1024, true), default);
        Assert.Equal(new LayerParts(1024, true), await layers.FindPartsAsync(id, default));

        await uploads.DeleteAsync(id, default);
        Assert.Null(await layers.FindPartsAsync(id, default));
    }

    [Fact]
    public async Task SavingPartsOfAnUploadThatIsGoneRecordsNothing()
    {
        var (layers, _) = await CreateAsync();
        var id = Guid.NewGuid().ToString("D");

        await layers.SavePartsAsync(id, new LayerParts(0, false), default);

        Assert.Null(await layers.FindPartsAsync(id, default));
    }
}
