namespace Berth.Core.AuditTrail;

/// <summary>One filter of a lookup: the events whose <see cref="Key"/> equals <see cref="Value"/> (ReadOnly: "true" or "false").</summary>
public sealed record AuditFilter(AuditAttributeKey Key, string Value);
