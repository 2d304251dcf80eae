namespace Berth.Core.GarbageCollection;

/// <summary>
/// What one cycle did (or, for a dry run, would do). <see cref="Removed"/> lists the blobs deleted (or that would
/// be); <see cref="Waiting"/> counts unreferenced blobs still inside the grace period; <see cref="Unlinked"/> lists
/// the repository links removed (or that would be) because no manifest of their repository references the blob.
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

    public long BytesRemoved => Removed.Sum(b => b.Size);
}
