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
internal sealed class S3PartBuffers(int count) : IDisposable, IPooledBuffers
{
    private readonly SemaphoreSlim _available = new(count, count);
    private readonly ConcurrentBag<byte[]> _free = [];
    private long _rents;

    public int Count { get; } = count;

    public long Rents => Interlocked.Read(ref _rents);

    public long FreeBytes => (long)_free.Count * S3BlobStore.PartBytes;

    public async ValueTask<byte[]> RentAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _rents);
        return _free.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(S3BlobStore.PartBytes);
    }

    /// <summary>Lets the free buffers go (the bound on how many exist at once stays); returns their bytes.</summary>
    public long Release()
    {
        long released = 0;
        while (_free.TryTake(out var buffer))
        {
            released += buffer.Length;
        }

        return released;
    }

    public void Return(byte[] buffer)
    {
        _free.Add(buffer);
        _available.Release();
    }

    public void Dispose() => _available.Dispose();
}
