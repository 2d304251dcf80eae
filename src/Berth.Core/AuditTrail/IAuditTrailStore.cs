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
    /// The newest stored event with this <see cref="AuditEvent.RequestId"/> (an x-amzn-RequestId or a /v2/ request's
    /// id; matched exactly, case-sensitively), or null: an index lookup, across accounts and regions.
    /// </summary>
    ValueTask<AuditEvent?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken);
}
