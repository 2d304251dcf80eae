namespace Berth.Core.GarbageCollection;

/// <summary>
/// What one cycle did (or, for a dry run, would do). <see cref="Removed"/> lists the blobs deleted (or that would
/// be); <see cref="Waiting"/> counts unreferenced blobs still inside the grace period; <see cref="Unlinked"/> lists
/// the repository links removed (or that would be) because no manifest of their repository references the blob;
/// <see cref="Leftovers"/> and <see cref="UnfinishedWritesAborted"/> what unfinished uploads left in the blob store.
/// </summary>
public sealed record GarbageCollectionReport(
    bool DryRun,
    int BlobsExamined,
    int Waiting,
    IReadOnlyList<StoredBlob> Removed,
    IReadOnlyList<string> UploadsRemoved,
    int TombstonesResumed,
    TimeSpan Duration)
{
    public IReadOnlyList<UnreferencedLink> Unlinked { get; init; } = [];

    /// <summary>Staged pieces of open, idle uploads that their recorded state no longer uses (S3), removed (or that would be).</summary>
    public (int Count, long Bytes) Leftovers { get; init; }

    /// <summary>Blob writes begun before the grace period and never finished (S3 multipart uploads), aborted (or that would be).</summary>
    public int UnfinishedWritesAborted { get; init; }

    public long BytesRemoved => Removed.Sum(b => b.Size);
}
