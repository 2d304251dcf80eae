using Berth.Core.Content;

namespace Berth.Core.GarbageCollection;

/// <summary>
/// What the blob store holds, listed in bulk, and deletion in batches: the blob store's side of garbage collection.
/// Listings read the store's own index (a directory walk, an object listing), never each blob, so a store of
/// 100,000 blobs is listed with about 100 requests on S3. Safe to call while uploads and pulls run; a listing may or
/// may not include what is written or deleted while it runs.
/// </summary>
public interface IBlobInventory
{
    /// <summary>Every stored blob, in no particular order.</summary>
    IAsyncEnumerable<StoredBlob> ListBlobsAsync(CancellationToken cancellationToken);

    /// <summary>Every upload that has staged bytes, whether or not a session still records it.</summary>
    IAsyncEnumerable<StagedArea> ListStagedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the blobs (batched where the store can: S3's DeleteObjects takes 1,000 keys). Blobs already gone are
    /// not an error. Only the garbage collector calls this, for digests it tombstoned.
    /// </summary>
    ValueTask DeleteBlobsAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken);

    /// <summary>Deletes the staged bytes of an upload no session records. Succeeds when they are already gone.</summary>
    ValueTask DeleteStagedAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Staged bytes of an open upload that its recorded state does not use, written at or before
    /// <paramref name="cutoff"/>: on S3, pieces a later append merged away and pieces of an append that failed or was
    /// killed before its state was saved. Deleted unless <paramref name="dryRun"/>; returns their count and bytes. The
    /// caller holds the upload, so no append of it is running. Nothing on the filesystem (one file per upload, whose
    /// bytes past the recorded size the next append or the commit cuts off).
    /// </summary>
    ValueTask<(int Count, long Bytes)> CollectLeftoversAsync(Blobs.StagedUpload upload, DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken);

    /// <summary>
    /// Writes of a blob begun at or before <paramref name="cutoff"/> and never finished: on S3, multipart uploads at
    /// blob keys that a commit stopped midway (killed) left open, whose parts the bucket keeps, unlisted, until they
    /// are aborted. Aborted unless <paramref name="dryRun"/>; returns how many. None on the filesystem (a commit is a
    /// rename).
    /// </summary>
    ValueTask<int> AbortUnfinishedAsync(DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken);
}
