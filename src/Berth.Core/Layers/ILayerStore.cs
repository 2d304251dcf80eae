using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Core.Layers;

/// <summary>
/// What the ECR layer API keeps beyond the shared upload sessions: the part bookkeeping of each upload (so
/// CompleteLayerUpload can refuse a non-final part under 5 MiB) and whether an image references a layer.
/// Implementations are safe for concurrent use; calls on one upload are ordered by its caller.
/// </summary>
public interface ILayerStore
{
    /// <summary>The part bookkeeping of an open upload, or null when no part was recorded (or the upload is gone).</summary>
    ValueTask<LayerParts?> FindPartsAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Records the bookkeeping of an open upload. Does nothing when the upload session no longer exists; the record
    /// goes away with its session (completed, cancelled or purged).
    /// </summary>
    ValueTask SavePartsAsync(string uploadId, LayerParts parts, CancellationToken cancellationToken);

    /// <summary>Whether a manifest stored in the repository references the blob.</summary>
    ValueTask<bool> IsReferencedAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// The first pushed manifest of the repository that references the blob (ties broken by digest), with its bytes;
    /// null when none does.
    /// </summary>
    ValueTask<ReferencingManifest?> FindReferencingManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Whether the blob belongs to archived images only: manifests of the repository reference it, all ARCHIVED.</summary>
    ValueTask<bool> IsArchivedAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);
}
