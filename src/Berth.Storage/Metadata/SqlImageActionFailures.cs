using Berth.Core.Content;
using Berth.Core.Events;
using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>
/// Writes FAILURE "ECR Image Action" events to <c>event_outbox</c>, one row per endpoint in one transaction, only when
/// the repository exists in the scope's registry (an event names a repository; a push to a name that is not one is not
/// an image action).
/// </summary>
internal sealed class SqlImageActionFailures(MetadataDatabase database, RegistryIdentity registry, TimeProvider time, ImageEventEndpoints? events = null) : IImageActionFailures
{
    private readonly ImageEventEndpoints _events = events ?? ImageEventEndpoints.None;

    public async ValueTask RecordAsync(RepositoryName repository, string actionType, Digest? digest, string? tag, CancellationToken cancellationToken)
    {
        if (_events.Names.Count == 0)
        {
            return;
        }

        var id = Guid.NewGuid().ToString("D");
        var payload = ImageActionEvent.Create(id, time.GetUtcNow(), registry, actionType, ImageActionEvent.Failure, repository.Value, digest?.ToString(), tag);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"""
            INSERT INTO event_outbox (endpoint, event_id, payload, status, next_attempt_at, created_at, updated_at)
            SELECT @endpoint, @eventId, @payload, 'PENDING', {database.NowMillis}, {database.NowMillis}, {database.NowMillis}
            WHERE EXISTS (SELECT 1 FROM repositories WHERE account_id = @account AND region = @region AND name = @name)
            """,
            ("@endpoint", string.Empty), ("@eventId", id), ("@payload", payload),
            ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value));
        foreach (var endpoint in _events.Names)
        {
            command.Parameters["@endpoint"].Value = endpoint;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
