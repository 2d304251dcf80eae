using Berth.Storage;

namespace Berth.Server.Hosting;

/// <summary>
/// Gives the memory of a burst of transfers back once the server is quiet. A burst leaves the process holding what it
/// needed: the free buffers the pools keep for the next one (<see cref="IPooledBuffers"/>: up to 16 MiB of 64 KiB
/// transport blocks, and 16 MiB of the filesystem store's 1 MiB copy buffers or 32 MiB of the S3 store's 8 MiB part
/// buffers) and the collector's heap grown with it (the pinned heap those buffers live on, each heap's gen0 budget).
/// The collector returns memory only when it collects, and an idle server allocates nothing, so it never does: 16
/// concurrent 64 MiB pushes left an open Berth at ~193 MB, against ~112 MB before them, for as long as it stayed idle.
/// <para>
/// Every <see cref="Interval"/> this looks at the traffic since its last look. When fewer than <see cref="QuietRents"/>
/// buffers were handed out (a few small requests at most) and either the pools hold <see cref="FreeBuffers"/> of free
/// buffers or the collector commits <see cref="Growth"/> more than after the last release, it lets the free buffers go
/// and runs one full, compacting collection in the aggressive mode, which also decommits the free space (the same
/// burst: ~129 MB, the collector's commit 84 to 11 MB). The collection pauses the process for a few milliseconds with a
/// heap of this size, once per burst; a busy server is never interrupted, since it is not quiet, and a trickle of
/// traffic after a release neither refills the pools nor grows the heap enough to cause another.
/// </para>
/// </summary>
internal sealed partial class IdleMemoryRelease : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public const long QuietRents = 64;
    public const long Growth = 32L * 1024 * 1024;
    public const long FreeBuffers = 8L * 1024 * 1024;

    private readonly IReadOnlyList<IPooledBuffers> _pools;
    private readonly PeriodicTimer _timer;
    private readonly ILogger<IdleMemoryRelease> _logger;
    private readonly Func<long> _committed;
    private readonly Action _collect;
    private long _lastRents;
    private long _committedAfterRelease;

    public IdleMemoryRelease(IEnumerable<IPooledBuffers> pools, TimeProvider time, ILogger<IdleMemoryRelease> logger)
        : this(
            pools,
            time,
            logger,
            () => GC.GetGCMemoryInfo().TotalCommittedBytes,
            () => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true))
    {
    }

    internal IdleMemoryRelease(IEnumerable<IPooledBuffers> pools, TimeProvider time, ILogger<IdleMemoryRelease> logger, Func<long> committed, Action collect)
    {
        _pools = [.. pools];
        _timer = new PeriodicTimer(Interval, time); // from construction, so that the first look is one interval after it
        _logger = logger;
        _committed = committed;
        _collect = collect;
        _lastRents = Rents();
        _committedAfterRelease = committed();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            Check();
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    /// <summary>One look: releases and collects when the server has been quiet since the last; says whether it did.</summary>
    internal bool Check()
    {
        var rents = Rents();
        var quiet = rents - _lastRents < QuietRents;
        _lastRents = rents;
        if (!quiet)
        {
            return false;
        }

        if (_pools.Sum(pool => pool.FreeBytes) < FreeBuffers && _committed() - _committedAfterRelease < Growth)
        {
            return false;
        }

        var released = _pools.Sum(pool => pool.Release());
        var before = _committed();
        _collect();
        _committedAfterRelease = _committed();
        _lastRents = Rents();
        LogReleased(released, before, _committedAfterRelease);
        return true;
    }

    private long Rents() => _pools.Sum(pool => pool.Rents);

    [LoggerMessage(
        Level = LogLevel.Debug,
        Message = "Quiet after a burst: released {Released} bytes of free transfer buffers; the collector commits {Before} bytes before a full collection and {After} after.")]
    private partial void LogReleased(long released, long before, long after);
}
