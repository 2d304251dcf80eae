using System.Buffers;
using Berth.Server.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Server.Tests.Hosting;

public sealed class IdleMemoryReleaseTests
{
    private const long MiB = 1024 * 1024;
    private readonly TransportMemoryPoolFactory _transport = new();
    private readonly FakeTimeProvider _time = new();
    private long _committed = 20 * MiB;
    private int _collections;

    [Fact]
    public void ABurstIsGivenBackOnceTheServerIsQuietAndOnlyOnce()
    {
        using var pool = _transport.Create();
        var release = Release();
        Burst(pool, blocks: 160); // 10 MiB of free blocks kept afterwards
        Assert.Equal(160 * TransportMemoryPool.BlockSize, _transport.FreeBytes);

        Assert.False(release.Check(), "collected while the burst was running");
        Assert.True(release.Check());
        Assert.Equal(1, _collections);
        Assert.Equal(0, _transport.FreeBytes);

        // Quiet again, nothing held, nothing grown: no second collection.
        Assert.False(release.Check());
        Assert.Equal(1, _collections);
    }

    [Fact]
    public void TrafficBetweenTwoLooksKeepsTheBuffers()
    {
        using var pool = _transport.Create();
        var release = Release();
        Burst(pool, blocks: 160);
        Assert.False(release.Check());
        Burst(pool, blocks: (int)IdleMemoryRelease.QuietRents);
        Assert.False(release.Check());
        Assert.Equal(0, _collections);
        Assert.Equal(160 * TransportMemoryPool.BlockSize, _transport.FreeBytes);
    }

    [Fact]
    public void AFewFreeBlocksAreNotWorthACollectionButAGrownHeapIs()
    {
        using var pool = _transport.Create();
        var release = Release();
        Burst(pool, blocks: 8);
        Assert.False(release.Check());
        Assert.Equal(8 * TransportMemoryPool.BlockSize, _transport.FreeBytes);

        _committed += IdleMemoryRelease.Growth;
        Assert.True(release.Check());
        Assert.Equal(1, _collections);
        Assert.Equal(0, _transport.FreeBytes);
    }

    [Fact]
    public async Task TheServiceLooksEveryInterval()
    {
        using var pool = _transport.Create();
        Burst(pool, blocks: 160); // before the service starts counting
        using var release = Release();
        await release.StartAsync(CancellationToken.None);
        _time.Advance(IdleMemoryRelease.Interval);
        await WaitForAsync(() => _collections == 1);
        await release.StopAsync(CancellationToken.None);
        Assert.Equal(0, _transport.FreeBytes);
    }

    private IdleMemoryRelease Release() => new(
        [new TransportBuffers(_transport)], _time, NullLogger<IdleMemoryRelease>.Instance, () => _committed, () =>
        {
            _collections++;
            _committed = 20 * MiB;
        });

    // Rents every block at once, then returns them all, as a burst of transfers does.
    private static void Burst(MemoryPool<byte> pool, int blocks)
    {
        var owners = Enumerable.Range(0, blocks).Select(_ => pool.Rent()).ToList();
        owners.ForEach(owner => owner.Dispose());
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        Assert.True(condition(), "the timer never ran the look");
    }
}
