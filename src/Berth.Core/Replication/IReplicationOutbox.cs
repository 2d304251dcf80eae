namespace Berth.Core.Replication;

/// <summary>
/// The replication outbox shared by every node. Rows are written by the manifest push itself (in the transaction
/// that stores the manifest, see <c>IImageStore.PutManifestAsync</c>), so a committed push is never lost for
/// replication. A worker claims due rows for a while; a claim that runs out (the node died) makes the row claimable
/// again, so a copy may run twice and must be idempotent. Every update names the claim's owner: an owner whose claim
/// was taken over changes nothing. Safe for concurrent use by any number of nodes.
/// </summary>
public interface IReplicationOutbox
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> rows that are IN_PROGRESS, due and unclaimed (or whose claim expired),
    /// oldest first, for <paramref name="owner"/> until <paramref name="claimFor"/> from now on the database's clock.
    /// </summary>
    ValueTask<IReadOnlyList<ReplicationTask>> ClaimAsync(string owner, int limit, TimeSpan claimFor, CancellationToken cancellationToken);

    /// <summary>
    /// Copies the task's image into the destination repository as metadata (blob links, manifest rows and references,
    /// the tag) in one transaction: child manifests and a referrer's subject before the manifests that need them, the
    /// image's referrers after it. Writes no outbox row (one hop). Idempotent.
    /// </summary>
    ValueTask<ReplicationCopyOutcome> CopyAsync(ReplicationTask task, CancellationToken cancellationToken);

    /// <summary>Marks the task COMPLETE; false when <paramref name="owner"/> no longer holds its claim.</summary>
    ValueTask<bool> CompleteAsync(ReplicationTask task, string owner, CancellationToken cancellationToken);

    /// <summary>Marks the task FAILED with <paramref name="code"/> (the API's failureCode) and <paramref name="reason"/>.</summary>
    ValueTask<bool> FailAsync(ReplicationTask task, string owner, string code, string reason, CancellationToken cancellationToken);

    /// <summary>Releases the claim and makes the task due again after <paramref name="delay"/>, counting one attempt.</summary>
    ValueTask<bool> RetryAsync(ReplicationTask task, string owner, TimeSpan delay, string reason, CancellationToken cancellationToken);
}
