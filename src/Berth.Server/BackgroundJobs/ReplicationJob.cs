using Berth.Core.Replication;
using Berth.Server.Hosting;
using Berth.Server.Telemetry;
using Berth.Server.Registries;
using Microsoft.Extensions.Options;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// Drains the replication outbox on every node: claims a batch of due rows for Berth:Replication:ClaimDuration,
/// delivers each in a scope of its destination registry (<see cref="ReplicationDelivery"/>), and looks again at once
/// while there is work, else after Berth:Replication:PollInterval. A node killed mid-batch leaves its rows claimed
/// until the claim runs out; then any node takes them over and copies them again, which is idempotent.
/// </summary>
internal sealed partial class ReplicationJob(
    IReplicationOutbox outbox, IServiceScopeFactory scopes, NodeIdentity node, IOptions<BerthOptions> options, TimeProvider time, ILogger<ReplicationJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Replication;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delivered = 0;
            try
            {
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
                scope.ServiceProvider.GetRequiredService<RequestRegistry>().Current = task.Destination;
                var (status, reason) = await scope.ServiceProvider.GetRequiredService<ReplicationDelivery>().DeliverAsync(task, node.Id, cancellationToken).ConfigureAwait(false);
                var image = $"{task.Source.AccountId}/{task.Source.Region}/{task.Repository}@{task.Digest}";
                var destination = $"{task.Destination.AccountId}/{task.Destination.Region}";
                BerthMetrics.JobItems.Add(1, new("job", "replication"), new("result", status.ToString().ToLowerInvariant()));
                switch (status)
                {
                    case ReplicationStatus.Complete:
                        LogCompleted(logger, image, destination);
                        break;
                    case ReplicationStatus.Failed:
                        LogFailedImage(logger, image, destination, reason);
                        break;
                    default:
                        LogRetrying(logger, image, destination, task.Attempts + 1, reason);
                        break;
                }
            }
        }

        return tasks.Count;
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Replicated {Image} to {Destination}")]
    private static partial void LogCompleted(ILogger logger, string image, string destination);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Replication of {Image} to {Destination} FAILED: {Reason}")]
    private static partial void LogFailedImage(ILogger logger, string image, string destination, string? reason);

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Replication of {Image} to {Destination} will be retried (attempt {Attempt}): {Reason}")]
    private static partial void LogRetrying(ILogger logger, string image, string destination, int attempt, string? reason);

    [LoggerMessage(EventId = 123, Level = LogLevel.Error, Message = "Claiming replications failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
