using System.Data.Common;
using Berth.Core.Events;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>
/// The outbox of image events for webhooks (<c>event_outbox</c>): rows written by <see cref="EnqueueAsync"/> on the
/// transaction of the change they report, one per configured endpoint, claimed and settled as every outbox is
/// (<see cref="OutboxClaims"/>).
/// </summary>
internal sealed class SqlEventOutbox(MetadataDatabase database) : IEventOutbox
{
    private readonly OutboxClaims _claims = new(database, "event_outbox", "PENDING");

    /// <summary>Queues an "ECR Image Action" event for every endpoint, on the caller's transaction; nothing without endpoints.</summary>
    internal static async Task EnqueueImageActionAsync(
        DbConnection connection, MetadataDatabase database, ImageEventEndpoints endpoints, RegistryIdentity registry, DateTimeOffset time,
        string actionType, string repository, string? digest, string? tag, CancellationToken cancellationToken)
    {
        if (endpoints.Names.Count == 0)
        {
            return;
        }

        var id = Guid.NewGuid().ToString("D");
        var payload = ImageActionEvent.Create(id, time, registry, actionType, ImageActionEvent.Success, repository, digest, tag);
        await EnqueueAsync(connection, database, endpoints, id, payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues one event's JSON for every endpoint, on the caller's transaction; nothing without endpoints.</summary>
    internal static async Task EnqueueAsync(
        DbConnection connection, MetadataDatabase database, ImageEventEndpoints endpoints, string id, string payload, CancellationToken cancellationToken)
    {
        if (endpoints.Names.Count == 0)
        {
            return;
        }

        await using var command = connection.Command(
            $"""
            INSERT INTO event_outbox (endpoint, event_id, payload, status, next_attempt_at, created_at, updated_at)
            VALUES (@endpoint, @eventId, @payload, 'PENDING', {database.NowMillis}, {database.NowMillis}, {database.NowMillis})
            """,
            ("@endpoint", string.Empty), ("@eventId", id), ("@payload", payload));
        foreach (var endpoint in endpoints.Names)
        {
            command.Parameters["@endpoint"].Value = endpoint;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<IReadOnlyList<OutboxEvent>> ClaimAsync(string owner, int limit, TimeSpan claimFor, CancellationToken cancellationToken) =>
        await _claims.ClaimAsync(
            "id, endpoint, event_id, payload, attempts",
            r => new OutboxEvent(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4)),
            owner, limit, claimFor, cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> DeliveredAsync(OutboxEvent outboxEvent, string owner, CancellationToken cancellationToken) =>
        await _claims.SettleAsync(outboxEvent.Id, owner, "status = 'DELIVERED', attempts = attempts + 1, last_error = NULL", cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> RetryAsync(OutboxEvent outboxEvent, string owner, TimeSpan delay, string reason, CancellationToken cancellationToken) =>
        await _claims.SettleAsync(
            outboxEvent.Id, owner, "attempts = attempts + 1, next_attempt_at = {now} + @delay, last_error = @error", cancellationToken,
            ("@delay", (long)delay.TotalMilliseconds), ("@error", reason)).ConfigureAwait(false);

    public async ValueTask<bool> FailAsync(OutboxEvent outboxEvent, string owner, string reason, CancellationToken cancellationToken) =>
        await _claims.SettleAsync(outboxEvent.Id, owner, "status = 'FAILED', attempts = attempts + 1, last_error = @error", cancellationToken, ("@error", reason)).ConfigureAwait(false);
}
