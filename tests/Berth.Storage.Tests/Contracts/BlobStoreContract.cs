using System.Security.Cryptography;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every <see cref="IBlobStore"/> must do; each adapter runs it by deriving from it.</summary>
public abstract partial class BlobStoreContract
{
    /// <summary>
    /// A new store object. Within one test every call returns a store on the same storage, as a restarted process or
    /// another node sharing it would see it; different tests get separate storage.
    /// </summary>
    protected abstract IBlobStore CreateStore();

    [Fact]
    public async Task AppendedChunksCommitToTheirDigestAndReadBackExactly()
    {
        var store = CreateStore();
        var content = RandomNumberGenerator.GetBytes(300_000);
        var digest = Digest.Sha256Of(content);
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);

        for (var offset = 0; offset < content.Length; offset += 1000)
        {
            upload = await store.AppendAsync(upload, new MemoryStream(content, offset, Math.Min(1000, content.Length - offset)), default);
        }

        Assert.Equal(content.Length, upload.Size);
        await store.CommitAsync(upload, digest, default);

        Assert.Equal(content.Length, await store.FindSizeAsync(digest, default));
        await using var read = await store.OpenReadAsync(digest, 0, default);
        Assert.Equal(content, await ReadAllAsync(read));
    }

    [Fact]
    public async Task ReadingFromAnOffsetSkipsThatManyBytes()
    {
        var store = CreateStore();
        var content = RandomNumberGenerator.GetBytes(5000);
        var digest = await StoreAsync(store, content);

        await using var read = await store.OpenReadAsync(digest, 4000, default);

        Assert.Equal(content[4000..], await ReadAllAsync(read));
    }

    [Fact]
    public async Task BytesPastTheRecordedSizeAreDiscardedOnTheNextAppend()
    {
        var store = CreateStore();
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        var first = await store.AppendAsync(upload, new MemoryStream([1, 2, 3]), default);
        _ = await store.AppendAsync(first, new MemoryStream([9, 9, 9]), default);

        // The session still records the first state, as after a crash between the append and the session update.
        var resumed = await store.AppendAsync(first, new MemoryStream([4, 5]), default);

        await using var staged = await store.OpenStagedAsync(resumed, default);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, await ReadAllAsync(staged));
    }

    [Fact]
    public async Task CommittingContentThatAlreadyExistsIsIdempotent()
    {
        var store = CreateStore();
        var content = RandomNumberGenerator.GetBytes(100);
        var digest = await StoreAsync(store, content);
        var again = await StoreAsync(store, content);

        Assert.Equal(digest, again);
        Assert.Equal(100, await store.FindSizeAsync(digest, default));
    }

    [Fact]
    public async Task AnAbortedUploadLeavesNothing()
    {
        var store = CreateStore();
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        upload = await store.AppendAsync(upload, new MemoryStream([1, 2, 3]), default);

        await store.AbortAsync(upload, default);
        await store.AbortAsync(upload, default);

        await Assert.ThrowsAsync<RegistryException>(async () => await store.OpenStagedAsync(upload, default));
    }

    [Fact]
    public async Task AnUnknownBlobIsNullOrBlobUnknown()
    {
        var store = CreateStore();
        var digest = Digest.Sha256Of(RandomNumberGenerator.GetBytes(8));

        Assert.Null(await store.FindSizeAsync(digest, default));
        var error = await Assert.ThrowsAsync<RegistryException>(async () => await store.OpenReadAsync(digest, 0, default));
        Assert.Equal("BLOB_UNKNOWN", error.Error.Code);
    }

    [Fact]
    public async Task ADeletedBlobIsGoneAndDeletingTwiceSucceeds()
    {
        var store = CreateStore();
        var digest = await StoreAsync(store, RandomNumberGenerator.GetBytes(64));

        await store.DeleteAsync(digest, default);
        await store.DeleteAsync(digest, default);

        Assert.Null(await store.FindSizeAsync(digest, default));
    }

    private static async Task<Digest> StoreAsync(IBlobStore store, byte[] content)
    {
        var upload = await store.BeginUploadAsync(Guid.NewGuid().ToString("D"), default);
        upload = await store.AppendAsync(upload, new MemoryStream(content), default);
        var digest = Digest.Sha256Of(content);
        await store.CommitAsync(upload, digest, default);
        return digest;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
