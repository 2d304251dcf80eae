namespace Berth.Core.Scanning;

/// <summary>
/// The scan queue shared by every node: an image's scan row is IN_PROGRESS from the push (written in the push's
/// transaction), StartImageScan or a feed import (CONTINUOUS_SCAN) until a worker finishes it. A worker claims rows
/// for a while; a claim that runs out (the node died) makes the row claimable again, so a scan may run twice, which
/// is harmless. Every update names the claim's owner: an owner whose claim was taken over changes nothing.
/// </summary>
public interface IScanBacklog
{
    /// <summary>Claims up to <paramref name="limit"/> IN_PROGRESS, unclaimed (or expired) scans, oldest first.</summary>
    Task<IReadOnlyList<ScanTask>> ClaimAsync(string owner, int limit, TimeSpan claimFor, CancellationToken cancellationToken);

    /// <summary>Stores the findings (replacing the last scan's) and marks the scan COMPLETE; false when the claim was lost.</summary>
    Task<bool> CompleteAsync(ScanTask task, string owner, IReadOnlyList<ScanFinding> findings, DateTimeOffset? sourceUpdatedAt, CancellationToken cancellationToken);

    /// <summary>Marks the scan FAILED with <paramref name="description"/>; false when the claim was lost.</summary>
    Task<bool> FailAsync(ScanTask task, string owner, string description, CancellationToken cancellationToken);
}
