using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Berth.Storage.FileSystem;

/// <summary>
/// A copy buffer whose address is aligned for direct I/O: a slice of an array on the pinned object heap (it never
/// moves), so no native memory and no unsafe code. A few are kept for reuse; the rest are left to the collector.
/// </summary>
internal sealed class AlignedBuffer
{
    public const int Bytes = 1024 * 1024;
    private const int Kept = 16;
    private static readonly ConcurrentQueue<AlignedBuffer> Pool = new();
    private readonly byte[] _array;

    private AlignedBuffer()
    {
        _array = GC.AllocateUninitializedArray<byte>(Bytes + DirectIo.Alignment, pinned: true);
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        var skip = (int)((DirectIo.Alignment - (address.ToInt64() % DirectIo.Alignment)) % DirectIo.Alignment);
        Memory = _array.AsMemory(skip, Bytes);
    }

    public Memory<byte> Memory { get; }

    public static AlignedBuffer Rent() => Pool.TryDequeue(out var buffer) ? buffer : new AlignedBuffer();

    public static void Return(AlignedBuffer buffer)
    {
        if (Pool.Count < Kept)
        {
            Pool.Enqueue(buffer);
        }
    }
}
