using Berth.Core.Content;

namespace Berth.Core.GarbageCollection;

/// <summary>
/// The metadata side of garbage collection, across every registry of the deployment. A blob is referenced while a
/// manifest refers to it, a repository linked it within the grace period (a push that has not put its manifest yet),
/// or an upload completing with its digest has reserved it
/// (<see cref="Blobs.IUploadSessionStore.ReserveDigestAsync"/>). A tombstone marks a blob whose bytes are being
/// deleted: it is written only for a blob referenced by nothing, and while it exists nothing can reference the blob
/// (links and reservations check for it under the same per-digest lock), so a push and a sweep of one blob are
/// serialized. Safe to call from any node; tombstones survive a crash of the sweeper and are finished by the next.
/// </summary>
public interface IGarbageCollectionStore
{
    /// <summary>
    /// Every digest referenced now: manifest references, reservations of completing uploads, and links made after
    /// <paramref name="linkCutoff"/> (older links count only through a manifest of their repository that references
    /// the blob: the others are <see cref="ListUnreferencedLinksAsync"/>, which a cycle removes first).
    /// </summary>
    ValueTask<IReadOnlySet<Digest>> ListReferencedAsync(DateTimeOffset linkCutoff, CancellationToken cancellationToken);

    /// <summary>Links made at or before <paramref name="cutoff"/> whose blob no manifest of their repository references.</summary>
    ValueTask<IReadOnlyList<UnreferencedLink>> ListUnreferencedLinksAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// Removes those of <paramref name="links"/> that are still made at or before <paramref name="cutoff"/> and
    /// referenced by no manifest of their repository, under each repository's lock (the one a manifest put holds
    /// while it checks its blobs are linked, so a put either commits first and keeps the link, or finds it gone and
    /// fails with the blob unknown), and returns them. A link made again meanwhile (a new push) is kept.
    /// </summary>
    ValueTask<IReadOnlyList<UnreferencedLink>> UnlinkAsync(IReadOnlyList<UnreferencedLink> links, DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>The ids of every upload session.</summary>
    ValueTask<IReadOnlySet<string>> ListUploadIdsAsync(CancellationToken cancellationToken);

    /// <summary>The blobs seen unreferenced by earlier cycles, with the time each was first seen so.</summary>
    ValueTask<IReadOnlyDictionary<Digest, DateTimeOffset>> ListCandidatesAsync(CancellationToken cancellationToken);

    /// <summary>Records blobs seen unreferenced at <paramref name="since"/>; a blob already recorded keeps its time.</summary>
    ValueTask AddCandidatesAsync(IReadOnlyList<StoredBlob> blobs, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Forgets candidates that are referenced again or no longer stored.</summary>
    ValueTask RemoveCandidatesAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken);

    /// <summary>
    /// Tombstones those of <paramref name="blobs"/> that are still referenced by nothing, in one transaction under
    /// their per-digest locks, and returns them: from then on no push can link or reserve them until
    /// <see cref="FinishAsync"/>. A blob already tombstoned is returned again (a sweep being resumed).
    /// </summary>
    ValueTask<IReadOnlyList<StoredBlob>> TombstoneAsync(IReadOnlyList<StoredBlob> blobs, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Tombstones left by a sweeper that stopped before finishing them (killed, or its store failed).</summary>
    ValueTask<IReadOnlyList<StoredBlob>> ListTombstonesAsync(CancellationToken cancellationToken);

    /// <summary>Removes the tombstones and candidate rows of blobs whose bytes are deleted: pushes of them proceed.</summary>
    ValueTask FinishAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken);
}
