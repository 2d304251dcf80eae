using Berth.Core.Blobs;
using Berth.Storage.FileSystem;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.FileSystem;

/// <summary>The blob store contract through the page cache: the default, and what a filesystem without O_DIRECT gets.</summary>
public sealed class FileSystemBufferedBlobStoreTests : BlobStoreContract
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"));

    protected override IBlobStore CreateStore() => new FileSystemBlobStore(_root, directIo: false);
}
