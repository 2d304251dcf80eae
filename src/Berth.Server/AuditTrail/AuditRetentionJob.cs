using Berth.Core.AuditTrail;
using Berth.Core.Leases;
using Berth.Server.BackgroundJobs;
using Berth.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Berth.Server.AuditTrail;

/// <summary>
/// Deletes audit events older than Berth:AuditTrail:Retention every Berth:AuditTrail:PruneInterval, on one node at a
/// time (the lease <see cref="LeaseName"/>, taken for twice the interval), in batches of <see cref="BatchSize"/>. A node
/// killed midway leaves old events for the next round; deleting them again is harmless.
/// </summary>
internal sealed partial class AuditRetentionJob(
    IAuditTrailStore store, ILeaseStore leases, NodeIdentity node, IOptions<BerthOptions> options, TimeProvider time, ILogger<AuditRetentionJob> logger)
    : BackgroundService
{
    public const string LeaseName = "audit-retention";
    private const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.AuditTrail;
        using var timer = new PeriodicTimer(settings.PruneInterval, time);
        do
        {
            try
            {
                if (await leases.TryAcquireAsync(LeaseName, node.Id, settings.PruneInterval * 2, stoppingToken).ConfigureAwait(false))
                {
                    await PruneAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Deletes every event past the retention; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.Value.AuditTrail.Retention;
        var total = 0;
        int deleted;
        do
        {
            deleted = await store.PruneAsync(before, BatchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == BatchSize);

        if (total > 0)
        {
            LogPruned(logger, total, before);
        }

        return total;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await leases.GiveBackAsync(LeaseName, node.Id, e => LogReleaseFailed(logger, e), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 145, Level = LogLevel.Information, Message = "Deleted {Count} audit events older than {Before}")]
    private static partial void LogPruned(ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(EventId = 146, Level = LogLevel.Error, Message = "Pruning the audit trail failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 147, Level = LogLevel.Warning, Message = "Giving back the audit retention lease failed; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
