using Berth.Core.Content;
using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Core.Scanning;

/// <summary>
/// The scans and scanning configuration of the request's registry. Safe for concurrent use; a start and a push of
/// one image are serialized by the repository's lock.
/// </summary>
public interface IImageScanStore
{
    /// <summary>The image's last scan, or null when it was never scanned (or the image is gone).</summary>
    Task<ImageScan?> FindAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>The last scans of several images of one repository, by digest; images never scanned are absent.</summary>
    Task<IReadOnlyDictionary<string, ImageScan>> ListAsync(RepositoryName repository, IReadOnlyCollection<string> digests, CancellationToken cancellationToken);

    /// <summary>
    /// Queues a scan of the image unless one was started (by a push or by this call) less than <paramref name="quota"/>
    /// ago on the database's clock; the last findings stay until the new scan completes.
    /// </summary>
    Task<StartScanOutcome> StartAsync(RepositoryName repository, Digest digest, TimeSpan quota, CancellationToken cancellationToken);

    /// <summary>A page of the last scan's findings, in their stored order; <see cref="PageRequest.After"/> is an ordinal.</summary>
    Task<Page<ScanFinding>> ListFindingsAsync(RepositoryName repository, Digest digest, PageRequest page, CancellationToken cancellationToken);

    /// <summary>The registry's scanning configuration; <see cref="RegistryScanningConfiguration.Default"/> when never put.</summary>
    Task<RegistryScanningConfiguration> GetConfigurationAsync(CancellationToken cancellationToken);

    Task PutConfigurationAsync(RegistryScanningConfiguration configuration, CancellationToken cancellationToken);
}
