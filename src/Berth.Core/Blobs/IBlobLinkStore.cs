using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Core.Blobs;

/// <summary>
/// Which blobs each repository may read. A repository reads only the blobs it links, so a digest guessed from
/// another repository is unknown to it.
/// </summary>
public interface IBlobLinkStore
{
    /// <summary>
    /// Links a blob to an existing repository. False when the repository does not exist, or when garbage collection
    /// is deleting the blob's bytes (it holds a tombstone on the digest: the caller uploads the blob again instead of
    /// linking). Idempotent.
    /// </summary>
    ValueTask<bool> LinkAsync(RepositoryName repository, Digest digest, long size, CancellationToken cancellationToken);

    /// <summary>The size of a blob linked to the repository, or null when it is not linked.</summary>
    ValueTask<long?> FindAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="FindAsync"/> for a client that may reference the blob in a manifest next without uploading it (a
    /// blob HEAD before a push, BatchCheckLayerAvailability): a link made before <paramref name="renewBefore"/> is
    /// made again now, so the garbage collector, which removes only links older than its grace period that no manifest
    /// references, leaves it long enough for that manifest. Null when the link is gone, also when the collector removed
    /// it between the read and the renewal (the client then uploads the blob again).
    /// </summary>
    ValueTask<long?> FindAndRenewAsync(RepositoryName repository, Digest digest, DateTimeOffset renewBefore, CancellationToken cancellationToken);

    /// <summary>The size of a blob any repository of this registry links, or null: what automatic cross-mount may reuse.</summary>
    ValueTask<long?> FindInRegistryAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>Removes a link; returns false when there was none. The bytes stay until garbage collection.</summary>
    ValueTask<bool> UnlinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);
}
