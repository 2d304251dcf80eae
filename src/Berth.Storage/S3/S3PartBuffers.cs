using System.Collections.Concurrent;

namespace Berth.Storage.S3;

/// <summary>
/// The 8 MiB part buffers of <see cref="S3BlobStore"/>: at most <paramref name="count"/> exist at any time, made on
/// first need and reused, and an append or commit that finds them all in use waits for one. Memory therefore stays at
/// <paramref name="count"/> × <see cref="S3BlobStore.PartBytes"/> however many uploads run at once (16 concurrent pushes
/// used to hold 16 buffers, plus the garbage of those the pool did not keep). A request waiting here is not reading
/// its body, so Kestrel's minimum data rate does not count the wait against it. Each operation holds at most one buffer,
/// so waiting cannot deadlock.
/// </summary>
internal sealed class S3PartBuffers(int count) : IDisposable
{
    private readonly SemaphoreSlim _available = new(count, count);
    private readonly ConcurrentBag<byte[]> _free = [];

    public int Count { get; } = count;

    public async ValueTask<byte[]> RentAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        return _free.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(S3BlobStore.PartBytes);
    }

    public void Return(byte[] buffer)
    {
        _free.Add(buffer);
        _available.Release();
    }

    public void Dispose() => _available.Dispose();
}
