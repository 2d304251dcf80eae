using Berth.Core.Blobs;
using Berth.Core.Layers;
using Berth.Core.Naming;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every <see cref="ILayerStore"/> must do, with the upload sessions its rows belong to.</summary>
public abstract class LayerStoreContract
{
    protected abstract Task<(ILayerStore Layers, IUploadSessionStore Uploads)> CreateAsync();

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
