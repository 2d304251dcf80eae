using Berth.Core.Content;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Core.Images;

/// <summary>
/// The image use cases of the ECR face (ListImages, DescribeImages, BatchGetImage, BatchDeleteImage). Each throws
/// RepositoryNotFoundException when the repository does not exist; a missing image is a return value.
/// </summary>
public sealed class ImageCatalogService(
    IImageCatalog catalog, IImageStore images, IRepositoryStore repositories, RepositoryService repositoryService, PullRecordThrottle throttle, IPullTimeExclusionStore exclusions,
    TimeProvider time)
{
    /// <summary>
    /// A pull is recorded at most this often per image, so that a busy image does not turn every pull into a write.
    /// ECR itself only promises to refresh lastRecordedPullTime "at least once every 24 hours".
    /// </summary>
    public static readonly TimeSpan PullRecordInterval = TimeSpan.FromSeconds(60);

    /// <summary>ListImages: the images with <paramref name="imageStatus"/> (null: any; ECR's default is ACTIVE).</summary>
    public async ValueTask<Page<ImageId>> ListAsync(RepositoryName repository, TagStatus status, ImageStatus? imageStatus, PageRequest page, CancellationToken cancellationToken)
    {
        await RequireRepositoryAsync(repository, cancellationToken).ConfigureAwait(false);
        return await catalog.ListImagesAsync(repository, status, imageStatus, page, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DescribeImages: the images with <paramref name="imageStatus"/> (null: any; ECR's default is ACTIVE).</summary>
    public async ValueTask<Page<ImageDetail>> DescribeAsync(RepositoryName repository, TagStatus status, ImageStatus? imageStatus, PageRequest page, CancellationToken cancellationToken)
    {
        await RequireRepositoryAsync(repository, cancellationToken).ConfigureAwait(false);
        return await catalog.DescribeImagesAsync(repository, status, imageStatus, page, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The image a tag or digest names, or null; the caller has checked the repository.</summary>
    public ValueTask<ImageDetail?> FindAsync(RepositoryName repository, Reference reference, CancellationToken cancellationToken) =>
        catalog.FindImageAsync(repository, reference, cancellationToken);

    /// <summary>The manifest a tag or digest names (null when none, or archived: it cannot be pulled), recording the pull.</summary>
    public async ValueTask<StoredManifest?> PullAsync(RepositoryName repository, Reference reference, CancellationToken cancellationToken, Principal? caller = null)
    {
        var manifest = await images.FindManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        if (manifest is null or { Archived: true })
        {
            return null;
        }

        await RecordPullAsync(repository, manifest.Digest, caller, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>
    /// Records a pull (from /v2/ or BatchGetImage) for lastRecordedPullTime, unless the caller (its ARN, or its role's
    /// for a role session) is a pull-time update exclusion of the registry.
    /// </summary>
    public async ValueTask RecordPullAsync(RepositoryName repository, Digest digest, Principal? caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var registry = repositoryService.Registry;
        if (!throttle.ShouldAsk(registry.AccountId, registry.Region, repository.Value, digest, now))
        {
            return;
        }

        if (caller is not null && await exclusions.IsExcludedAsync(caller.RoleArn is { } role ? [caller.Arn, role] : [caller.Arn], cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await catalog.RecordPullAsync(repository, digest, now, PullRecordInterval, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<ImageDeletion> DeleteAsync(RepositoryName repository, Digest? digest, Tag? tag, CancellationToken cancellationToken) =>
        catalog.DeleteImageAsync(repository, digest, tag, cancellationToken);

    /// <summary>Throws RepositoryNotFoundException with ECR's message when the repository does not exist.</summary>
    public async ValueTask RequireRepositoryAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        if (!await repositories.ExistsAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            throw EcrErrors.RepositoryMissing(repository.Value, repositoryService.Registry.AccountId);
        }
    }
}
