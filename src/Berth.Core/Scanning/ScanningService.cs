using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;
using IRepositoryStore = Berth.Core.Images.IRepositoryStore;

namespace Berth.Core.Scanning;

/// <summary>
/// ECR's scanning API over the request registry's scans: starting one (once per image per
/// <see cref="Quota"/>, as ECR allows), reading its status and findings, and the registry's configuration.
/// See https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html
/// </summary>
public sealed class ScanningService(IImageScanStore scans, IRepositoryStore repositories)
{
    /// <summary>"An image can only be scanned once each day", scan on push included.</summary>
    public static readonly TimeSpan Quota = TimeSpan.FromHours(24);

    /// <summary>Queues a scan of <paramref name="image"/>; throws UnsupportedImageTypeException or LimitExceededException.</summary>
    public async Task StartAsync(RepositoryName repository, ImageDetail image, CancellationToken cancellationToken)
    {
        if (!ScannableImage.Is(image.MediaType, image.ArtifactMediaType))
        {
            // Guessed wording: ECR's text for an index or an artifact is not documented.
            throw new RegistryException(EcrErrors.UnsupportedImageType, $"The operation is not supported for this image: '{image.Digest}' is not a container image with layers the scanner can read (its media type is '{image.MediaType}').");
        }

        if (image.Storage.Status != Lifecycle.ImageStatus.Active)
        {
            // ECR's text is not published; the model documents the exception as "The specified image is archived and cannot be scanned."
            throw new RegistryException(ScanningErrors.ImageArchived, $"The image with digest '{image.Digest}' in the repository with name '{repository}' is archived and cannot be scanned. Restore it with UpdateImageStorageClass first.");
        }

        switch (await scans.StartAsync(repository, image.Digest, Quota, cancellationToken).ConfigureAwait(false))
        {
            case StartScanOutcome.LimitExceeded:
                throw new RegistryException(EcrErrors.ScanLimitExceeded, "The scan quota per image has been exceeded. Wait and try again.");
            case StartScanOutcome.ImageMissing:
                throw new RegistryException(EcrErrors.ImageNotFound, $"The image with imageId {{imageDigest:'{image.Digest}', imageTag:'null'}} does not exist within the repository with name '{repository}'");
        }
    }

    /// <summary>The image's last scan; throws ScanNotFoundException when it was never scanned.</summary>
    public async Task<ImageScan> GetAsync(RepositoryName repository, Digest digest, string imageIdText, string registryId, CancellationToken cancellationToken)
    {
        var scan = await scans.FindAsync(repository, digest, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(EcrErrors.ScanNotFound,
                $"Image scan does not exist for the image with '{imageIdText}' in the repository with name '{repository}' in the registry with id '{registryId}'");
        return (await PresenterAsync(repository, cancellationToken).ConfigureAwait(false))(scan);
    }

    public Task<Page<ScanFinding>> ListFindingsAsync(RepositoryName repository, Digest digest, PageRequest page, CancellationToken cancellationToken) =>
        scans.ListFindingsAsync(repository, digest, page, cancellationToken);

    public async Task<IReadOnlyDictionary<string, ImageScan>> ListAsync(RepositoryName repository, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        var found = await scans.ListAsync(repository, digests, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return found;
        }

        var present = await PresenterAsync(repository, cancellationToken).ConfigureAwait(false);
        return found.ToDictionary(p => p.Key, p => present(p.Value), StringComparer.Ordinal);
    }

    /// <summary>
    /// A completed ENHANCED scan shows ACTIVE ("Continuous scan is selected for image.") while a CONTINUOUS_SCAN rule of
    /// an ENHANCED configuration matches its repository, as ECR shows Inspector's monitored images (so the waiter
    /// image-scan-complete does not end for them, as with ECR); with SCAN_ON_PUSH it stays COMPLETE.
    /// </summary>
    private async Task<Func<ImageScan, ImageScan>> PresenterAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        var configuration = await scans.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        var continuous = configuration.ScanType == RegistryScanningConfiguration.Enhanced
            && configuration.FrequencyFor(repository.Value, repositoryScanOnPush: false).Frequency == ScanningRule.ContinuousScan;
        return scan => continuous && scan.ScanType == RegistryScanningConfiguration.Enhanced && scan.Status == ScanStatus.Complete
            ? scan with { Status = ScanStatus.Active, Description = ScanStatus.ActiveDescription }
            : scan;
    }

    public Task<RegistryScanningConfiguration> GetConfigurationAsync(CancellationToken cancellationToken) => scans.GetConfigurationAsync(cancellationToken);

    /// <summary>
    /// Stores the configuration. ENHANCED (language packages too, as Amazon Inspector) takes SCAN_ON_PUSH and
    /// CONTINUOUS_SCAN rules only, as the model says; the refusal's wording is a guess.
    /// </summary>
    public async Task PutConfigurationAsync(RegistryScanningConfiguration configuration, CancellationToken cancellationToken)
    {
        if (configuration.ScanType == RegistryScanningConfiguration.Enhanced && configuration.Rules.Any(r => r.ScanFrequency == ScanningRule.Manual))
        {
            throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter at 'scanFrequency' failed to satisfy constraint: 'The ENHANCED scan type supports the CONTINUOUS_SCAN and SCAN_ON_PUSH scan frequencies only'");
        }

        await scans.PutConfigurationAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each repository's frequency and the filters that set it; null for a repository that does not exist.</summary>
    public async Task<(Repository Repository, string Frequency, ScanningRule? Rule)?> FindRepositoryConfigurationAsync(
        RegistryScanningConfiguration configuration, RepositoryName name, CancellationToken cancellationToken)
    {
        if (await repositories.FindAsync(name, cancellationToken).ConfigureAwait(false) is not { } repository)
        {
            return null;
        }

        var (frequency, rule) = configuration.FrequencyFor(name.Value, repository.Settings.ScanOnPush);
        return (repository, frequency, rule);
    }
}
