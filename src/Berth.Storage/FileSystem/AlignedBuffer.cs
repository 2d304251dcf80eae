using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Berth.Storage.FileSystem;

/// <summary>
/// A copy buffer whose address is aligned for direct I/O: a slice of an array on the pinned object heap (it never
/// moves), so no native memory and no unsafe code. A few are kept for reuse (until the host lets them go when it is
/// quiet, <see cref="AlignedBufferPool"/>); the rest are left to the collector.
/// </summary>
internal sealed class AlignedBuffer
{
    public const int Bytes = 1024 * 1024;
    private const int Kept = 16;
    private static readonly ConcurrentQueue<AlignedBuffer> Pool = new();
    private static long _rents;
    private readonly byte[] _array;

    private AlignedBuffer()
    {
        _array = GC.AllocateUninitializedArray<byte>(Bytes + DirectIo.Alignment, pinned: true);
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        var skip = (int)((DirectIo.Alignment - (address.ToInt64() % DirectIo.Alignment)) % DirectIo.Alignment);
        Memory = _array.AsMemory(skip, Bytes);
    }

    public Memory<byte> Memory { get; }

    /// <summary>How many buffers were rented since the start: a measure of the store's streaming activity.</summary>
    public static long Rents => Interlocked.Read(ref _rents);

    /// <summary>What the kept buffers hold, in bytes.</summary>
    public static long FreeBytes => (long)Pool.Count * (Bytes + DirectIo.Alignment);

    public static AlignedBuffer Rent()
    {
        Interlocked.Increment(ref _rents);
        return Pool.TryDequeue(out var buffer) ? buffer : new AlignedBuffer();
    }

    /// <summary>Lets every kept buffer go to the collector; returns how many bytes they held.</summary>
    public static long Release()
    {
        long released = 0;
        while (Pool.TryDequeue(out var buffer))
        {
            released += buffer._array.Length;
        }

        return released;
    }

    public static void Return(AlignedBuffer buffer)
    {
        if (Pool.Count < Kept)
        {
            Pool.Enqueue(buffer);
        }
    }
}
