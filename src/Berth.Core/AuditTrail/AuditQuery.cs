namespace Berth.Core.AuditTrail;

/// <summary>
/// A lookup of one account's events in one region, newest first: optionally one attribute, a time range (both ends
/// included) and the position after which the page starts (<see cref="AuditCursor"/> of the previous page's last event).
/// </summary>
public sealed record AuditQuery(
    string AccountId,
    string Region,
    AuditFilter? Filter,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    int Limit,
    AuditCursor? After);

/// <summary>Where a page of events newest-first stopped: the last event's time and its row's sequence number.</summary>
public sealed record AuditCursor(long TimeMillis, long Sequence);

/// <summary>A page of events and, when more follow, where the next page starts.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Events, AuditCursor? Next);
