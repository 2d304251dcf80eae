using Berth.Core.Blobs;
using Berth.Storage.FileSystem;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.FileSystem;

public sealed class FileSystemBlobStoreTests : BlobStoreContract
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"));

    protected override IBlobStore CreateStore() => new FileSystemBlobStore(_root);

    [Fact]
    public async Task AStagedUploadThatLostItsTailInAMachineCrashIsRefusedNotZeroFilled()
    {
        // Appends do not fsync, so a power loss may leave the staged file shorter than the size the session recorded.
        var store = CreateStore();
        var id = Guid.NewGuid().ToString("D");
        var upload = await store.BeginUploadAsync(id, default);
        upload = await store.AppendAsync(upload, new MemoryStream(new byte[1000]), default);
        var staged = Directory.GetFiles(_root, id, SearchOption.AllDirectories).Single();
        using (var file = new FileStream(staged, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(400);
        }

        var append = await Assert.ThrowsAsync<Berth.Core.Errors.RegistryException>(async () => await store.AppendAsync(upload, new MemoryStream(new byte[10]), default));
        Assert.Equal(Berth.Core.Errors.RegistryErrorCode.BlobUploadUnknown, append.Error);
        await Assert.ThrowsAsync<Berth.Core.Errors.RegistryException>(async () =>
            await store.CommitAsync(upload, Berth.Core.Content.Digest.Parse("sha256:" + new string('0', 64)), default));
        Assert.Equal(400, new FileInfo(staged).Length);
    }

    [Fact]
    public async Task AnUploadIdThatIsNotAGuidCannotNameAPathOutsideTheRoot()
    {
        var store = CreateStore();
        await Assert.ThrowsAsync<Berth.Core.Errors.RegistryException>(async () => await store.BeginUploadAsync("../../escape", default));
    }
}
