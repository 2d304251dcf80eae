using Berth.Core.Content;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Core.Images;

/// <summary>
/// The image queries and changes of the ECR face: listings with tag filters, image details, pull times and image
/// deletion that keeps indexes whole. An unknown repository reads as empty; callers check existence first.
/// Every method is one transaction and safe to call concurrently.
/// </summary>
public interface IImageCatalog
{
    /// <summary>
    /// One entry per tag and one per untagged manifest (by <paramref name="status"/>) of the images with
    /// <paramref name="imageStatus"/> (null: any), ordered by <see cref="ImageId.Key"/>, after <see cref="PageRequest.After"/>.
    /// </summary>
    ValueTask<Page<ImageId>> ListImagesAsync(RepositoryName repository, TagStatus status, ImageStatus? imageStatus, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Details of the manifests (by <paramref name="status"/>, and <paramref name="imageStatus"/> unless null) in digest
    /// order, after the digest in <see cref="PageRequest.After"/>.
    /// </summary>
    ValueTask<Page<ImageDetail>> DescribeImagesAsync(RepositoryName repository, TagStatus status, ImageStatus? imageStatus, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Details of the manifest a tag or digest names, or null.</summary>
    ValueTask<ImageDetail?> FindImageAsync(RepositoryName repository, Reference reference, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the manifest was pulled at <paramref name="at"/>, unless the recorded pull is less than
    /// <paramref name="interval"/> older. A manifest that is gone is ignored.
    /// </summary>
    ValueTask RecordPullAsync(RepositoryName repository, Digest digest, DateTimeOffset at, TimeSpan interval, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes an image named by a digest (the manifest and all its tags), a tag (the tag, and the manifest when it
    /// was its last tag) or both (the tag must point at the digest). A manifest an index in the repository lists is
    /// not deleted.
    /// </summary>
    ValueTask<ImageDeletion> DeleteImageAsync(RepositoryName repository, Digest? digest, Tag? tag, CancellationToken cancellationToken);
}
