using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Scanning;
using Berth.Core.Scanning.Inventory;
using Berth.Core.Scanning.Sbom;
using Berth.Server.Registries;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// Runs <see cref="SbomReferrer"/> for a scan the worker finished, in a scope acting for the image's registry (as the
/// lifecycle and replication jobs do). A refusal of the store (the repository or the image deleted meanwhile) is
/// logged and the scan completes without its SBOM; nothing else is swallowed.
/// </summary>
internal sealed partial class ScanSbomAttacher(IServiceScopeFactory scopes, ILogger<ScanSbomAttacher> logger)
{
    public async Task AttachAsync(ScanTask task, ImageInventory inventory, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            scope.ServiceProvider.GetRequiredService<RequestRegistry>().Current = task.Registry;
            var subject = new Descriptor(task.MediaType, Digest.Parse(task.Digest), task.Manifest.Length);
            try
            {
                var digest = await scope.ServiceProvider.GetRequiredService<SbomReferrer>()
                    .AttachAsync(RepositoryName.Parse(task.Repository), subject, inventory, cancellationToken).ConfigureAwait(false);
                LogAttached(logger, task.Repository, task.Digest, digest);
            }
            catch (RegistryException e)
            {
                LogNotAttached(logger, task.Repository, task.Digest, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 138, Level = LogLevel.Debug, Message = "SBOM of {Repository}@{Digest} stored as {Sbom}")]
    private static partial void LogAttached(ILogger logger, string repository, string digest, Digest sbom);

    [LoggerMessage(EventId = 139, Level = LogLevel.Warning, Message = "SBOM of {Repository}@{Digest} not stored: {Reason}")]
    private static partial void LogNotAttached(ILogger logger, string repository, string digest, string reason);
}
