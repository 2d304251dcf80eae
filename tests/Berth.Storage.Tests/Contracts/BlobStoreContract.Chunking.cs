using System.Security.Cryptography;
using Berth.Core.Blobs;
using Berth.Core.Content;

namespace Berth.Storage.Tests.Contracts;

/// <summary>Chunking, size and continuation cases: the ones an object store with a 5 MiB part minimum makes hard.</summary>
public abstract partial class BlobStoreContract
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task ManyChunksBelowFiveMebibytesCommitToTheExactBytes()
    {
        var store = CreateStore();
        var content = RandomNumberGenerator.GetBytes((12 * MiB) + 4321);
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        var offset = 0;
        for (var i = 0; offset < content.Length; i++)
        {
            var length = Math.Min(i % 3 == 0 ? 1000 : 700 * 1024, content.Length - offset);
            upload = await store.AppendAsync(upload, new MemoryStream(content, offset, length), default);
            offset += length;
        }

        Assert.Equal(content.Length, upload.Size);
        await using (var staged = await store.OpenStagedAsync(upload, default))
        {
            Assert.Equal(content, await ReadAllAsync(staged));
        }

        var digest = Digest.Sha256Of(content);
        await store.CommitAsync(upload, digest, default);
        await using var read = await store.OpenReadAsync(digest, 0, default);
        Assert.Equal(content, await ReadAllAsync(read));
    }

    [Fact]
    public async Task AHundredMebibyteUploadInMixedChunksReadsBackWholeAndFromAnOffset()
    {
        var store = CreateStore();
        int[] chunks = [1, 7 * MiB, 3 * MiB, 5 * MiB, 123, 20 * MiB, (5 * MiB) - 1, 64 * 1024, 33 * MiB, 9 * MiB, 2 * MiB, 8 * MiB, (12 * MiB) + 17];
        var content = RandomNumberGenerator.GetBytes(chunks.Sum());
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        var offset = 0;
        foreach (var length in chunks)
        {
            upload = await store.AppendAsync(upload, new MemoryStream(content, offset, length), default);
            offset += length;
        }

        var digest = Digest.Sha256Of(content);
        await store.CommitAsync(upload, digest, default);

        Assert.True(content.Length > 100 * MiB);
        Assert.Equal(content.Length, await store.FindSizeAsync(digest, default));
        await using (var read = await store.OpenReadAsync(digest, 0, default))
        {
            Assert.Equal(digest, await HashAsync(read));
        }

        var middle = (41 * MiB) + 5;
        await using (var tail = await store.OpenReadAsync(digest, middle, default))
        {
            Assert.Equal(Digest.Sha256Of(content.AsSpan(middle)), await HashAsync(tail));
        }
    }

    [Fact]
    public async Task AnUploadContinuesOnANewStoreObjectAfterTheFirstIsGone()
    {
        var content = RandomNumberGenerator.GetBytes((11 * MiB) + 999);
        var first = CreateStore();
        var upload = await first.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        upload = await first.AppendAsync(upload, new MemoryStream(content, 0, (6 * MiB) + 500), default);
        upload = await first.AppendAsync(upload, new MemoryStream(content, (6 * MiB) + 500, 2000), default);
        (first as IDisposable)?.Dispose();

        // As after a restart or on another node: only the recorded state is known, the staged bytes are re-read.
        var second = CreateStore();
        await using (var staged = await second.OpenStagedAsync(upload, default))
        {
            Assert.Equal(content[..((6 * MiB) + 2500)], await ReadAllAsync(staged));
        }

        upload = await second.AppendAsync(upload, new MemoryStream(content, (6 * MiB) + 2500, content.Length - ((6 * MiB) + 2500)), default);
        var digest = Digest.Sha256Of(content);
        await second.CommitAsync(upload, digest, default);

        await using var read = await CreateStore().OpenReadAsync(digest, 0, default);
        Assert.Equal(content, await ReadAllAsync(read));
    }

    [Fact]
    public async Task CommittingTheSameUploadTwiceKeepsTheBlob()
    {
        var store = CreateStore();
        var content = RandomNumberGenerator.GetBytes((7 * MiB) + 3);
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        upload = await store.AppendAsync(upload, new MemoryStream(content, 0, 6 * MiB), default);
        upload = await store.AppendAsync(upload, new MemoryStream(content, 6 * MiB, MiB + 3), default);
        var digest = Digest.Sha256Of(content);

        await store.CommitAsync(upload, digest, default);
        await store.CommitAsync(upload, digest, default);

        await using var read = await store.OpenReadAsync(digest, 0, default);
        Assert.Equal(content, await ReadAllAsync(read));
    }

    [Fact]
    public async Task ReadingFromTheEndGivesNothingAndAnEmptyBlobCommits()
    {
        var store = CreateStore();
        var content = RandomNumberGenerator.GetBytes(4096);
        var digest = await StoreAsync(store, content);
        var empty = await StoreAsync(store, []);

        await using (var end = await store.OpenReadAsync(digest, content.Length, default))
        {
            Assert.Empty(await ReadAllAsync(end));
        }

        Assert.Equal(0, await store.FindSizeAsync(empty, default));
        await using var read = await store.OpenReadAsync(empty, 0, default);
        Assert.Empty(await ReadAllAsync(read));
    }

    private static async Task<Digest> HashAsync(Stream stream)
    {
        using var sha = SHA256.Create();
        return Digest.FromHash("sha256", await sha.ComputeHashAsync(stream));
    }
}
