using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Berth.Server.Hosting;

/// <summary>
/// Kestrel's transport memory in 64 KiB blocks. Kestrel's own pool hands out 4 KiB blocks, and its socket transport
/// receives into one block at a time: a 1 GiB push is then 262,144 recv calls, each with its own trip through the TCP
/// stack, the pipe and the thread pool, and a request body is copied out of the pipe 4 KiB at a time. With 64 KiB blocks
/// the same push takes a sixteenth of the calls. Blocks are pinned (the socket layer pins its buffers anyway) and reused;
/// a pool keeps at most <see cref="RetainedBlocks"/> free blocks and lets the rest go to the GC, and lets those go too
/// once the server is quiet (<see cref="IdleMemoryRelease"/>), so a burst of uploads does not hold its memory afterwards.
/// </summary>
internal sealed class TransportMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    private readonly ConcurrentBag<WeakReference<TransportMemoryPool>> _pools = new();

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new TransportMemoryPool();
        _pools.Add(new WeakReference<TransportMemoryPool>(pool));
        return pool;
    }

    /// <summary>How many blocks the pools have handed out since the start.</summary>
    public long Rents => Live().Sum(pool => pool.Rents);

    /// <summary>What the pools' free blocks hold, in bytes.</summary>
    public long FreeBytes => Live().Sum(pool => pool.FreeBytes);

    /// <summary>Lets every pool's free blocks go to the collector; returns how many bytes they held.</summary>
    public long Release() => Live().Sum(pool => pool.Release());

    private IEnumerable<TransportMemoryPool> Live()
    {
        foreach (var reference in _pools)
        {
            if (reference.TryGetTarget(out var pool))
            {
                yield return pool;
            }
        }
    }
}

/// <summary>A <see cref="MemoryPool{T}"/> of pinned 64 KiB blocks; see <see cref="TransportMemoryPoolFactory"/>.</summary>
internal sealed class TransportMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>Free blocks kept for reuse: 16 MiB, what 16 busy uploads hold with Kestrel's 1 MiB request buffers.</summary>
    public const int RetainedBlocks = 256;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _freeCount;
    private long _rents;
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockSize;

    public long Rents => Interlocked.Read(ref _rents);

    public long FreeBytes => (long)Volatile.Read(ref _freeCount) * BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        Interlocked.Increment(ref _rents);
        if (_free.TryDequeue(out var array))
        {
            Interlocked.Decrement(ref _freeCount);
        }
        else
        {
            array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        }

        return new Block(this, array);
    }

    /// <summary>Lets every free block go to the collector; returns how many bytes they held.</summary>
    public long Release()
    {
        long released = 0;
        while (_free.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _freeCount);
            released += BlockSize;
        }

        return released;
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    private void Return(byte[] array)
    {
        if (_disposed)
        {
            return;
        }

        if (Interlocked.Increment(ref _freeCount) > RetainedBlocks)
        {
            // Enough blocks are kept already: this one goes to the GC.
            Interlocked.Decrement(ref _freeCount);
            return;
        }

        _free.Enqueue(array);
    }

    private sealed class Block(TransportMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned)
            {
                pool.Return(returned);
            }
        }
    }
}
