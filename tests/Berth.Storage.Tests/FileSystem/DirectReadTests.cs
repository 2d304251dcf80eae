using Berth.Core.Content;
using Berth.Storage.FileSystem;
using Microsoft.Win32.SafeHandles;

namespace Berth.Storage.Tests.FileSystem;

/// <summary>
/// With direct I/O on, a large blob none of whose pages are cached is read with O_DIRECT, every time, and exactly the
/// stored bytes come back from any offset; a blob the page cache holds, or a small one, is read through the cache.
/// </summary>
public sealed class DirectReadTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SkippableFact]
    public async Task ABlobWrittenDirectlyHasNoCachedPagesUntilItIsReadThroughTheCache()
    {
        var (store, digest, _) = await StoreDirectlyAsync(3 * 1024 * 1024);
        var path = Directory.GetFiles(Path.Combine(_root, "sha256"), digest.Hex, SearchOption.AllDirectories).Single();
        using (var file = File.OpenHandle(path))
        {
            Assert.Equal(0, PageCache.CachedPages(file)); // a whole number of blocks: no partial last block was truncated
        }

        await File.ReadAllBytesAsync(path);
        using (var file = File.OpenHandle(path))
        {
            Assert.Equal(3 * 1024 * 1024 / Environment.SystemPageSize, PageCache.CachedPages(file));
        }

        // Cached now: no direct read.
        await using var stream = await store.OpenReadAsync(digest, 0, default);
        Assert.IsType<FileStream>(stream);
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(1024 * 1024 - 1)]
    [InlineData(1024 * 1024)]
    [InlineData(1024 * 1024 + 1)]
    [InlineData(2 * 1024 * 1024 + 5000)]
    [InlineData(3 * 1024 * 1024 + 122)]
    [InlineData(3 * 1024 * 1024 + 123)]
    public async Task EveryReadOfAnUncachedBlobIsDirectAndReturnsTheBytesFromAnyOffset(int offset)
    {
        var (store, digest, content) = await StoreDirectlyAsync(3 * 1024 * 1024 + 123);
        for (var read = 0; read < 2; read++)
        {
            var stream = await store.OpenReadAsync(digest, offset, default);
            Assert.IsType<DirectReadStream>(stream);
            Assert.Equal(content[offset..], await ReadAllAsync(stream, 70_000));
        }

        // Read through the cache, the same bytes.
        var buffered = new FileSystemBlobStore(_root, directIo: false);
        var cached = await buffered.OpenReadAsync(digest, offset, default);
        Assert.IsType<FileStream>(cached);
        Assert.Equal(content[offset..], await ReadAllAsync(cached, 70_000));
    }

    [SkippableFact]
    public async Task SynchronousReadsReturnTheSameBytes()
    {
        var (store, digest, content) = await StoreDirectlyAsync(2 * 1024 * 1024 + 777);
        var stream = await store.OpenReadAsync(digest, 4097, default);
        Assert.IsType<DirectReadStream>(stream);
        using (stream)
        {
            var copy = new MemoryStream();
            var buffer = new byte[33_333];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                copy.Write(buffer, 0, read);
            }

            Assert.Equal(content[4097..], copy.ToArray());
        }
    }

    [SkippableFact]
    public async Task ABlobSmallerThanAMebibyteIsAlwaysReadThroughTheCache()
    {
        var (store, digest, content) = await StoreDirectlyAsync((int)UncachedReads.MinimumBytes - 1);
        var stream = await store.OpenReadAsync(digest, 0, default);
        Assert.IsType<FileStream>(stream);
        Assert.Equal(content, await ReadAllAsync(stream, 4096));
    }

    [SkippableFact]
    public async Task ADirectReadAbandonedWithItsNextReadInFlightReturnsItsBuffersIntact()
    {
        var (store, digest, content) = await StoreDirectlyAsync(4 * 1024 * 1024);
        for (var i = 0; i < 20; i++)
        {
            // Each stream is dropped right after its first piece, while its read-ahead is still filling a pooled buffer;
            // a buffer handed back before that read ends would corrupt the next stream's bytes.
            var abandoned = new DirectReadStream(OpenDirect(digest), 0, content.Length);
            var piece = new byte[100];
            Assert.Equal(100, await abandoned.ReadAsync(piece));
            await abandoned.DisposeAsync();
        }

        var whole = new DirectReadStream(OpenDirect(digest), 0, content.Length);
        Assert.Equal(content, await ReadAllAsync(whole, 1 << 20));
    }

    private async Task<(FileSystemBlobStore Store, Digest Digest, byte[] Content)> StoreDirectlyAsync(int length)
    {
        var store = new FileSystemBlobStore(_root, directIo: true);
        var content = new byte[length];
        new Random(length).NextBytes(content);
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        upload = await store.AppendAsync(upload, new MemoryStream(content), default);
        var digest = Digest.Sha256Of(content);
        await store.CommitAsync(upload, digest, default);
        Skip.IfNot(store.UsesDirectIo, "the filesystem of the temporary directory refuses O_DIRECT");
        using (var file = File.OpenHandle(BlobPath(digest)))
        {
            Skip.If(PageCache.CachedPages(file) is null, "the kernel has no cachestat(2) (Linux 6.5 and later)");
        }

        return (store, digest, content);
    }

    private SafeFileHandle OpenDirect(Digest digest)
    {
        var file = File.OpenHandle(BlobPath(digest), options: FileOptions.Asynchronous);
        Assert.True(DirectIo.TryEnable(file));
        return file;
    }

    private string BlobPath(Digest digest) => Directory.GetFiles(Path.Combine(_root, "sha256"), digest.Hex, SearchOption.AllDirectories).Single();

    private static async Task<byte[]> ReadAllAsync(Stream stream, int piece)
    {
        await using (stream)
        {
            var copy = new MemoryStream();
            var buffer = new byte[piece];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                copy.Write(buffer, 0, read);
            }

            return copy.ToArray();
        }
    }
}
