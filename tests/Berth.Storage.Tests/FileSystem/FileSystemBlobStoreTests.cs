using Berth.Core.Blobs;
using Berth.Storage.FileSystem;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.FileSystem;

public sealed class FileSystemBlobStoreTests : BlobStoreContract
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"));

    protected override IBlobStore CreateStore() => new FileSystemBlobStore(_root, directIo: true);

    /// <summary>
    /// Chunk lengths that start and end inside a block, on a block boundary, inside and across the 1 MiB copy buffers;
    /// the same bytes written with direct I/O and through the page cache read back identically and hash to the digest.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChunksOfEveryAlignmentReadBackExactly(bool directIo)
    {
        var store = new FileSystemBlobStore(_root, directIo);
        int[] chunks = [1, 4095, 0, 4097, 8192, AlignedBuffer.Bytes - 1, AlignedBuffer.Bytes + 1, 3 * AlignedBuffer.Bytes + 17, 12, AlignedBuffer.Bytes];
        var content = new byte[chunks.Sum()];
        new Random(7).NextBytes(content);
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        var at = 0;
        foreach (var length in chunks)
        {
            // A source that returns odd read sizes, as a socket does.
            upload = await store.AppendAsync(upload, new TrickleStream(content.AsMemory(at, length)), default);
            at += length;
            Assert.Equal(at, upload.Size);
        }

        var digest = Berth.Core.Content.Digest.Sha256Of(content);
        await store.CommitAsync(upload, digest, default);
        var stored = await store.OpenReadAsync(digest, 0, default);
        await using (stored)
        {
            var copy = new MemoryStream();
            await stored.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }

        Assert.Equal(directIo && DirectIoWorksIn(_root), store.UsesDirectIo);
    }

    private static bool DirectIoWorksIn(string directory)
    {
        var probe = Path.Combine(directory, "probe-" + Guid.NewGuid().ToString("N"));
        using (var file = File.OpenHandle(probe, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose))
        {
            return DirectIo.TryEnable(file);
        }
    }

    /// <summary>Returns at most 5,000 bytes per read.</summary>
    private sealed class TrickleStream(ReadOnlyMemory<byte> content) : MemoryStream(content.ToArray())
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 5000)], cancellationToken);
    }

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
