namespace Berth.Core.AuditTrail;

/// <summary>LookupEvents' lookup attributes (botocore cloudtrail LookupAttributeKey).</summary>
public enum AuditAttributeKey
{
    EventId,
    EventName,
    ReadOnly,
    Username,
    ResourceType,
    ResourceName,
    EventSource,
    AccessKeyId,
}
