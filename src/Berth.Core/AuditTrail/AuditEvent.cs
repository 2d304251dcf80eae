namespace Berth.Core.AuditTrail;

/// <summary>
/// One recorded call, as the audit trail stores it: the CloudTrail event (<see cref="Json"/>, the text LookupEvents
/// returns as CloudTrailEvent) and the fields LookupEvents filters and answers on. Filed under the account and region
/// the call acted on. <see cref="RequestId"/> is the record's requestID (x-amzn-RequestId, or a /v2/ request's id),
/// kept beside the JSON so that <c>berth explain</c> finds the event by an index.
/// </summary>
public sealed record AuditEvent(
    string EventId,
    DateTimeOffset EventTime,
    string AccountId,
    string Region,
    string EventSource,
    string EventName,
    bool ReadOnly,
    string? Username,
    string? AccessKeyId,
    string? ResourceType,
    string? ResourceName,
    string Json,
    string? RequestId = null);
