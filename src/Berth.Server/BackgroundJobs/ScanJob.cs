using Berth.Core.Scanning;
using Berth.Core.Scanning.Inventory;
using Berth.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// The scan worker, one per node: claims one queued scan at a time for Berth:Scanning:ClaimDuration, scans the image
/// (<see cref="ImageScanner"/>) and stores its findings, and looks again at once while there is work, else after
/// Berth:Scanning:PollInterval. A node killed mid-scan leaves its claim to run out; then any node scans the image
/// again. An image whose scans were interrupted Berth:Scanning:MaxAttempts times is FAILED, so that one image that
/// crashes the process cannot stop the queue.
/// </summary>
internal sealed partial class ScanJob(
    IScanBacklog backlog, ImageScanner scanner, ScanSbomAttacher sboms, NodeIdentity node, IOptions<BerthOptions> options, TimeProvider time, ILogger<ScanJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var scanned = 0;
            try
            {
                scanned = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogClaimFailed(logger, e);
            }

            if (scanned == 0)
            {
                await Task.Delay(options.Value.Scanning.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Claims and scans at most one image; returns how many it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Scanning;
        var tasks = await backlog.ClaimAsync(node.Id, 1, settings.ClaimDuration, cancellationToken).ConfigureAwait(false);
        foreach (var task in tasks)
        {
            var image = $"{task.Registry.AccountId}/{task.Registry.Region}/{task.Repository}@{task.Digest}";
            if (task.Attempts >= settings.MaxAttempts)
            {
                await backlog.FailAsync(task, node.Id, $"The scan was interrupted {task.Attempts} times and was given up.", cancellationToken).ConfigureAwait(false);
                LogGivenUp(logger, image, task.Attempts);
                continue;
            }

            ScanResult result;
            try
            {
                var directory = settings.TemporaryDirectory.Length > 0 ? settings.TemporaryDirectory : Path.GetTempPath();
                var enhanced = task.ScanType == RegistryScanningConfiguration.Enhanced;
                result = await scanner.ScanAsync(task.Manifest, directory, enhanced, cancellationToken).ConfigureAwait(false);
            }
            catch (InventoryException e)
            {
                await backlog.FailAsync(task, node.Id, e.Message, cancellationToken).ConfigureAwait(false);
                LogFailed(logger, image, e.Message);
                continue;
            }
            catch (Core.Errors.RegistryException e)
            {
                // A layer missing from the blob store (BLOB_UNKNOWN): the image cannot be read.
                await backlog.FailAsync(task, node.Id, "A layer of the image cannot be read: " + e.Message, cancellationToken).ConfigureAwait(false);
                LogFailed(logger, image, e.Message);
                continue;
            }

            // The SBOM referrer is stored before the scan completes, so a COMPLETE scan always has it; a scan run twice
            // (a lost claim) stores the same bytes again, which changes nothing.
            await sboms.AttachAsync(task, result.Inventory, cancellationToken).ConfigureAwait(false);
            if (await backlog.CompleteAsync(task, node.Id, result.Findings, result.VulnerabilitySourceUpdatedAt, cancellationToken).ConfigureAwait(false))
            {
                LogCompleted(logger, image, result.Inventory.Os?.PrettyName ?? "no os-release", result.Inventory.Packages.Count, result.Findings.Count);
            }
        }

        return tasks.Count;
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "Scanned {Image} ({Os}): {Packages} packages, {Findings} findings")]
    private static partial void LogCompleted(ILogger logger, string image, string os, int packages, int findings);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "Scan of {Image} FAILED: {Reason}")]
    private static partial void LogFailed(ILogger logger, string image, string reason);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "Scan of {Image} given up after {Attempts} interrupted attempts")]
    private static partial void LogGivenUp(ILogger logger, string image, int attempts);

    [LoggerMessage(EventId = 133, Level = LogLevel.Error, Message = "Claiming scans failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);
}
