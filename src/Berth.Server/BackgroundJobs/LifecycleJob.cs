using Berth.Core.Leases;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Server.Hosting;
using Berth.Server.Telemetry;
using Berth.Server.Registries;
using Microsoft.Extensions.Options;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// Applies every repository's lifecycle policy every Berth:Lifecycle:Interval (ECR says "within 24 hours"; Berth's
/// default is hourly), on one node at a time: each round takes or renews the lease <see cref="LeaseName"/> for twice
/// the interval, as <see cref="UploadJanitor"/> does. A round is safe to cut short and redo: each repository's
/// evaluation reads the images as they are and deletes through the image deletion path.
/// </summary>
internal sealed partial class LifecycleJob(
    ILifecycleSchedule schedule, IServiceScopeFactory scopes, ILeaseStore leases, NodeIdentity node, IOptions<BerthOptions> options, TimeProvider time,
    ILogger<LifecycleJob> logger)
    : BackgroundService
{
    public const string LeaseName = "lifecycle";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Lifecycle.Interval;
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (await leases.TryAcquireAsync(LeaseName, node.Id, interval * 2, stoppingToken).ConfigureAwait(false))
                {
                    using var run = BerthMetrics.StartJob("lifecycle");
                    await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                    run.Succeeded();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    /// <summary>Evaluates every repository that has a policy, least recently evaluated first.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var (registry, repository) in await schedule.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var run = await EvaluateAsync(registry, repository, cancellationToken).ConfigureAwait(false);
            BerthMetrics.JobItems.Add(run.Expired, new("job", "lifecycle"), new("result", "expired"));
            BerthMetrics.JobItems.Add(run.Archived, new("job", "lifecycle"), new("result", "archived"));
            if (run.Expired + run.Archived > 0)
            {
                LogEvaluated(logger, registry.AccountId, registry.Region, repository.Value, run.Expired, run.Archived);
            }
        }
    }

    private async Task<LifecycleRun> EvaluateAsync(RegistryIdentity registry, RepositoryName repository, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            scope.ServiceProvider.GetRequiredService<RequestRegistry>().Current = registry;
            return await scope.ServiceProvider.GetRequiredService<LifecycleService>().EvaluateAsync(repository, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>On a clean stop the lease is given back, so another node need not wait for it to expire.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await leases.GiveBackAsync(LeaseName, node.Id, e => LogReleaseFailed(logger, e), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Lifecycle policy of {Account}/{Region}/{Repository}: expired {Expired} images, archived {Archived}")]
    private static partial void LogEvaluated(ILogger logger, string account, string region, string repository, int expired, int archived);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Applying lifecycle policies failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Giving back the lifecycle job's lease failed; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
