using Berth.Core.Blobs;
using Berth.Storage.FileSystem;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.FileSystem;

public sealed class FileSystemBlobStoreTests : BlobStoreContract
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"));

    protected override IBlobStore CreateStore() => new FileSystemBlobStore(_root);

    [Fact]
    public async Task AnUploadIdThatIsNotAGuidCannotNameAPathOutsideTheRoot()
    {
        var store = CreateStore();
        await Assert.ThrowsAsync<Berth.Core.Errors.RegistryException>(async () => await store.BeginUploadAsync("../../escape", default));
    }
}
