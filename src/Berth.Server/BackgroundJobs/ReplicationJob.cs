using Berth.Core.Replication;
using Berth.Server.Hosting;
using Berth.Server.Telemetry;
using Berth.Server.Registries;
using Berth.Server.RemoteReplication;
using Microsoft.Extensions.Options;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// Drains the replication outbox on every node: claims a batch of due rows for Berth:Replication:ClaimDuration,
/// delivers each (a destination of this deployment in a scope of the destination registry, <see cref="ReplicationDelivery"/>;
/// a remote destination in a scope of the source registry, <see cref="RemoteDelivery"/>), and looks again at once
/// while there is work, else after Berth:Replication:PollInterval. A node killed mid-batch leaves its rows claimed
/// until the claim runs out; then any node takes them over and copies them again, which is idempotent. Every
/// StatsInterval it logs the outbox per destination, updates <see cref="ReplicationMetrics"/> and deletes finished
/// rows older than Retention.
/// </summary>
internal sealed partial class ReplicationJob(
    IReplicationOutbox outbox, IReplicationMaintenance maintenance, ReplicationMetrics metrics, IServiceScopeFactory scopes, NodeIdentity node,
    IOptions<BerthOptions> options, TimeProvider time, ILogger<ReplicationJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Replication;
        var nextStats = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var delivered = 0;
            try
            {
                if (time.GetUtcNow() >= nextStats)
                {
                    await ReportAsync(stoppingToken).ConfigureAwait(false);
                    nextStats = time.GetUtcNow() + settings.StatsInterval;
                }

                using var run = BerthMetrics.StartJob("replication");
                delivered = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                run.Succeeded();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }

            if (delivered == 0)
            {
                await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Claims and delivers one batch; returns how many rows it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Replication;
        var tasks = await outbox.ClaimAsync(node.Id, settings.BatchSize, settings.ClaimDuration, cancellationToken).ConfigureAwait(false);
        foreach (var task in tasks)
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var services = scope.ServiceProvider;
                services.GetRequiredService<RequestRegistry>().Current = task.Remote is null ? task.Destination : task.Source;
                var (status, reason) = task.Remote is null
                    ? await services.GetRequiredService<ReplicationDelivery>().DeliverAsync(task, node.Id, cancellationToken).ConfigureAwait(false)
                    : await services.GetRequiredService<RemoteDelivery>().DeliverAsync(task, node.Id, cancellationToken).ConfigureAwait(false);
                var image = $"{task.Source.AccountId}/{task.Source.Region}/{task.Repository}@{task.Digest}";
                BerthMetrics.JobItems.Add(1, new("job", "replication"), new("result", status.ToString().ToLowerInvariant()));
                switch (status)
                {
                    case ReplicationStatus.Complete:
                        LogCompleted(logger, image, task.DestinationName);
                        break;
                    case ReplicationStatus.Failed:
                        LogFailedImage(logger, image, task.DestinationName, reason);
                        break;
                    default:
                        LogRetrying(logger, image, task.DestinationName, task.Attempts + 1, reason);
                        break;
                }
            }
        }

        return tasks.Count;
    }

    /// <summary>Logs and publishes the outbox per destination, then prunes finished rows past the retention.</summary>
    public async Task ReportAsync(CancellationToken cancellationToken)
    {
        var stats = await maintenance.ListStatsAsync(cancellationToken).ConfigureAwait(false);
        metrics.Update(stats);
        foreach (var s in stats)
        {
            LogStats(logger, s.Destination, s.Queued, s.InFlight, s.Completed, s.Failed, (s.OldestQueuedAge ?? TimeSpan.Zero).TotalSeconds);
        }

        var pruned = await maintenance.PruneAsync(options.Value.Replication.Retention, cancellationToken).ConfigureAwait(false);
        if (pruned > 0)
        {
            LogPruned(logger, pruned, options.Value.Replication.Retention);
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Replicated {Image} to {Destination}")]
    private static partial void LogCompleted(ILogger logger, string image, string destination);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Replication of {Image} to {Destination} FAILED: {Reason}")]
    private static partial void LogFailedImage(ILogger logger, string image, string destination, string? reason);

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Replication of {Image} to {Destination} will be retried (attempt {Attempt}): {Reason}")]
    private static partial void LogRetrying(ILogger logger, string image, string destination, int attempt, string? reason);

    [LoggerMessage(EventId = 123, Level = LogLevel.Error, Message = "Claiming replications failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 124, Level = LogLevel.Information,
        Message = "Replication to {Destination}: {Queued} queued, {InFlight} in flight, {Completed} completed, {Failed} failed, oldest queued {LagSeconds:0.#} s ago")]
    private static partial void LogStats(ILogger logger, string destination, long queued, long inFlight, long completed, long failed, double lagSeconds);

    [LoggerMessage(EventId = 125, Level = LogLevel.Information, Message = "Pruned {Count} finished replications older than {Retention}")]
    private static partial void LogPruned(ILogger logger, int count, TimeSpan retention);
}
