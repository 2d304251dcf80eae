using Berth.Core.Registries;
using Berth.Storage.FileSystem;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Storage.Tests.FileSystem;

/// <summary><c>Berth:Storage:Blobs:FileSystem:DirectIo</c> reaches the store that the registration builds.</summary>
public sealed class DirectIoSettingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheSettingDecidesWhetherAppendsBypassThePageCache(bool setting)
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"));
        var options = new StorageOptions();
        options.Blobs.FileSystem.DirectIo = setting;
        var services = new ServiceCollection().AddRegistryStorage(options, data, new RegistryIdentity("000000000000", "us-east-1"));
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<FileSystemBlobStore>();
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        await store.AppendAsync(upload, new MemoryStream(new byte[10_000]), default);

        bool supported;
        using (var probe = File.OpenHandle(Path.Combine(data, "blobs", "probe"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose))
        {
            supported = DirectIo.TryEnable(probe);
        }

        Assert.Equal(setting && supported, store.UsesDirectIo);
    }
}
