namespace Berth.Core.Events;

/// <summary>One claimed delivery: an event's JSON for one endpoint, and how many attempts came before.</summary>
public sealed record OutboxEvent(long Id, string Endpoint, string EventId, string Payload, int Attempts);
