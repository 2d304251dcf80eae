using Berth.Core.Blobs;
using Berth.Core.Leases;
using Berth.Server.Hosting;
using Berth.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// Removes uploads of every registry idle for longer than Berth:Uploads:MaxAge, every Berth:Uploads:PurgeInterval, on
/// one node at a time: each round first takes (or renews) the lease <see cref="LeaseName"/> for twice the interval. The
/// holder keeps renewing it; if it dies, the lease runs out and the next node to try takes over. Purging is safe to
/// redo: a session is deleted only after its staged bytes, so a node killed midway leaves work for the next, never a
/// session without bytes it still needs. Every node, lease or not, also drops its in-memory state of uploads that
/// were completed or cancelled on another node (<see cref="OpenUploads.ForgetFinishedAsync"/>).
/// </summary>
internal sealed partial class UploadJanitor(
    OpenUploads uploads, ILeaseStore leases, NodeIdentity node, IOptions<BerthOptions> options, TimeProvider time, ILogger<UploadJanitor> logger)
    : BackgroundService
{
    public const string LeaseName = "upload-janitor";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Uploads;
        using var timer = new PeriodicTimer(settings.PurgeInterval, time);
        do
        {
            try
            {
                await uploads.ForgetFinishedAsync(stoppingToken).ConfigureAwait(false);
                if (!await leases.TryAcquireAsync(LeaseName, node.Id, settings.PurgeInterval * 2, stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                using var run = BerthMetrics.StartJob("upload_janitor");
                var removed = await uploads.PurgeStaleAsync(time.GetUtcNow() - settings.MaxAge, stoppingToken).ConfigureAwait(false);
                run.Succeeded();
                run.Items("purged", removed);
                if (removed > 0)
                {
                    LogPurged(logger, removed, settings.MaxAge);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>On a clean stop the lease is given back, so another node need not wait for it to expire.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await leases.GiveBackAsync(LeaseName, node.Id, e => LogReleaseFailed(logger, e), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Removed {Count} uploads idle for more than {MaxAge}")]
    private static partial void LogPurged(ILogger logger, int count, TimeSpan maxAge);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Purging abandoned uploads failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Giving back the upload janitor's lease failed; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
