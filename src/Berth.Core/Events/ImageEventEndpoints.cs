namespace Berth.Core.Events;

/// <summary>
/// The names of the webhook endpoints image events go to (Berth:Events:Webhooks). A change that emits an event writes
/// one outbox row per endpoint in its own transaction, so each endpoint's delivery is retried on its own; with none
/// configured nothing is written.
/// </summary>
public sealed record ImageEventEndpoints(IReadOnlyList<string> Names)
{
    public static readonly ImageEventEndpoints None = new([]);
}
