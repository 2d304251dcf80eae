namespace Berth.Storage.FileSystem;

/// <summary>The filesystem store's 1 MiB copy buffers (<see cref="AlignedBuffer"/>, a pool shared by the process).</summary>
internal sealed class AlignedBufferPool : IPooledBuffers
{
    public long Rents => AlignedBuffer.Rents;

    public long FreeBytes => AlignedBuffer.FreeBytes;

    public long Release() => AlignedBuffer.Release();
}
