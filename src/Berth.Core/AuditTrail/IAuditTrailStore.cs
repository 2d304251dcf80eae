namespace Berth.Core.AuditTrail;

/// <summary>
/// The audit trail in the metadata store. Appends are batched; lookups read what is committed. Safe to call
/// concurrently from any number of nodes.
/// </summary>
public interface IAuditTrailStore
{
    /// <summary>Stores the events in one transaction: all of them or none.</summary>
    ValueTask AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);

    /// <summary>One page of the query's events, newest first (by time, then by the order they were stored).</summary>
    ValueTask<AuditPage> LookupAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> events older than <paramref name="before"/>; returns how many.</summary>
    ValueTask<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The newest stored event whose CloudTrail record has this requestID (an event's request id is an x-amzn-RequestId
    /// or a /v2/ request's id), or null. Scans the stored events (no index: for <c>berth explain</c>, not a hot path).
    /// </summary>
    ValueTask<AuditEvent?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken);
}
