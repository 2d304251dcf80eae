namespace Berth.Core.Events;

/// <summary>
/// The durable outbox of events for webhooks. Rows are written by the store in the transaction of the change they
/// report; any node claims due rows for a while, and only the claimant may settle them (a node whose claim ran out and
/// was taken over changes nothing). Safe to call concurrently from any number of nodes: a row is claimed by one at a time.
/// </summary>
public interface IEventOutbox
{
    /// <summary>Claims at most <paramref name="limit"/> due, unclaimed (or expired-claim) rows for <paramref name="claimFor"/>.</summary>
    ValueTask<IReadOnlyList<OutboxEvent>> ClaimAsync(string owner, int limit, TimeSpan claimFor, CancellationToken cancellationToken);

    /// <summary>Marks the row delivered; false when <paramref name="owner"/> no longer holds its claim.</summary>
    ValueTask<bool> DeliveredAsync(OutboxEvent outboxEvent, string owner, CancellationToken cancellationToken);

    /// <summary>Releases the claim and makes the row due again after <paramref name="delay"/>; false when the claim was lost.</summary>
    ValueTask<bool> RetryAsync(OutboxEvent outboxEvent, string owner, TimeSpan delay, string reason, CancellationToken cancellationToken);

    /// <summary>Gives the row up (FAILED); false when the claim was lost.</summary>
    ValueTask<bool> FailAsync(OutboxEvent outboxEvent, string owner, string reason, CancellationToken cancellationToken);
}
