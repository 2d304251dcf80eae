using Berth.Storage;

namespace Berth.Server.Hosting;

/// <summary>
/// Kestrel's transport blocks as one of the pools <see cref="IdleMemoryRelease"/> empties (the pool's own file is also
/// compiled into the benchmark's bare Kestrel server, which has no storage layer).
/// </summary>
internal sealed class TransportBuffers(TransportMemoryPoolFactory pools) : IPooledBuffers
{
    public long Rents => pools.Rents;

    public long FreeBytes => pools.FreeBytes;

    public long Release() => pools.Release();
}
