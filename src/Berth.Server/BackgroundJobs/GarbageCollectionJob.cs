using Berth.Core.GarbageCollection;
using Berth.Server.Hosting;
using Berth.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// Runs a garbage-collection cycle every Berth:GarbageCollection:Interval on one node of a cluster at a time
/// (<see cref="GarbageCollectionLease"/>); the other nodes keep serving pushes and pulls, as does this one. A cycle
/// cut short (a kill, a store outage) is resumed by the next one on whichever node gets the lease. Each cycle is
/// logged with what it removed and how long it took.
/// </summary>
internal sealed partial class GarbageCollectionJob(
    GarbageCollector collector, GarbageCollectionLease lease, IOptions<BerthOptions> options, TimeProvider time, ILogger<GarbageCollectionJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.GarbageCollection;
        using var timer = new PeriodicTimer(settings.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await lease.TryRunAsync(
                    async ct =>
                    {
                        using var run = BerthMetrics.StartJob("gc");
                        var report = await collector.RunAsync(settings.GracePeriod, dryRun: false, null, ct).ConfigureAwait(false);
                        run.Succeeded();
                        run.Items("blobs_removed", report.Removed.Count);
                        run.Items("bytes_removed", report.BytesRemoved);
                        run.Items("links_removed", report.Unlinked.Count);
                        run.Items("uploads_removed", report.UploadsRemoved.Count);
                        run.Items("upload_leftovers_removed", report.Leftovers.Count);
                        run.Items("multipart_aborted", report.UnfinishedWritesAborted);
                        BerthMetrics.SetGarbageWaiting(report.Waiting);
                        LogCycle(logger, report.Removed.Count, report.BytesRemoved, report.Unlinked.Count, report.UploadsRemoved.Count,
                            report.Leftovers.Count, report.Leftovers.Bytes, report.UnfinishedWritesAborted, report.TombstonesResumed,
                            report.BlobsExamined, report.Waiting, report.Duration.TotalMilliseconds);
                    },
                    stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }
        }
    }

    /// <summary>On a clean stop the lease is given back, so another node need not wait for it to expire.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await lease.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReleaseFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information,
        Message = "Garbage collection removed {Blobs} blobs ({Bytes} bytes), {Unlinked} links no image of their repository references, {Uploads} abandoned uploads, {Leftovers} unused pieces ({LeftoverBytes} bytes) of idle uploads and {Aborted} unfinished multipart writes; finished {Resumed} interrupted deletions; {Examined} blobs examined, {Waiting} unreferenced within the grace period; {DurationMs} ms")]
    private static partial void LogCycle(ILogger logger, int blobs, long bytes, int unlinked, int uploads, int leftovers, long leftoverBytes, int aborted, int resumed, int examined, int waiting, double durationMs);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Garbage collection failed; the next cycle resumes it")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Giving back the garbage collector's lease failed; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
