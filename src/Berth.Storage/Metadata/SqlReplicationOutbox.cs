using System.Data.Common;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Events;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Replication;

namespace Berth.Storage.Metadata;

/// <summary>
/// The replication outbox (<c>replication_outbox</c>), claimed and settled as every outbox is (<see cref="OutboxClaims"/>).
/// A copy between registries of the deployment moves no bytes: blobs are shared, so it inserts blob links and
/// copies manifest rows (their bytes included) with INSERT … SELECT inside the database. Completing such a copy queues
/// an "ECR Replication Action" event for every webhook in the transaction that marks the row COMPLETE.
/// </summary>
internal sealed class SqlReplicationOutbox(MetadataDatabase database, TimeProvider time, ImageEventEndpoints? events = null) : IReplicationOutbox
{
    private readonly OutboxClaims _claims = new(database, "replication_outbox", "IN_PROGRESS");
    private readonly ImageEventEndpoints _events = events ?? ImageEventEndpoints.None;

    /// <summary>Queues the push of <paramref name="digest"/> (and <paramref name="tag"/>) for every destination whose rule matches, on the push's own transaction.</summary>
    internal static async Task EnqueueAsync(
        DbConnection connection, MetadataDatabase database, RegistryIdentity registry, string repository, string digest, string? tag, CancellationToken cancellationToken)
    {
        var configuration = await SqlReplicationStore.FindConfigurationAsync(connection, registry, cancellationToken).ConfigureAwait(false) ?? ReplicationConfiguration.Empty;
        foreach (var destination in configuration.DestinationsFor(repository))
        {
            await connection.ExecuteAsync(
                $"""
                INSERT INTO replication_outbox (source_account, source_region, repository, digest, tag, destination_account, destination_region, status, next_attempt_at, created_at, updated_at)
                VALUES (@account, @region, @repository, @digest, @tag, @destinationAccount, @destinationRegion, 'IN_PROGRESS', {database.NowMillis}, {database.NowMillis}, {database.NowMillis})
                """,
                cancellationToken,
                ("@account", registry.AccountId), ("@region", registry.Region), ("@repository", repository), ("@digest", digest), ("@tag", tag),
                ("@destinationAccount", destination.RegistryId), ("@destinationRegion", destination.Region)).ConfigureAwait(false);
        }

        await EnqueueRemoteAsync(connection, database, registry, repository, digest, tag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues the push for every remote destination of <paramref name="registry"/> whose prefixes match.</summary>
    private static async Task EnqueueRemoteAsync(
        DbConnection connection, MetadataDatabase database, RegistryIdentity registry, string repository, string digest, string? tag, CancellationToken cancellationToken)
    {
        foreach (var remote in await RemotesForAsync(connection, registry, repository, cancellationToken).ConfigureAwait(false))
        {
            await InsertRemoteAsync(connection, database, registry, repository, digest, tag, remote, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The names of the remote destinations of <paramref name="registry"/> whose prefixes match <paramref name="repository"/>.</summary>
    internal static async Task<List<string>> RemotesForAsync(DbConnection connection, RegistryIdentity registry, string repository, CancellationToken cancellationToken)
    {
        var remotes = await connection.ListAsync(
            "SELECT name, repository_prefixes FROM replication_remote_destinations WHERE source_account = @account AND source_region = @region",
            r => (Name: r.GetString(0), Prefixes: JsonSerializer.Deserialize<List<string>>(r.GetString(1)) ?? []),
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false);
        return remotes.Where(r => r.Prefixes.Count == 0 || r.Prefixes.Any(p => repository.StartsWith(p, StringComparison.Ordinal))).Select(r => r.Name).ToList();
    }

    internal static Task<int> InsertRemoteAsync(
        DbConnection connection, MetadataDatabase database, RegistryIdentity registry, string repository, string digest, string? tag, string remote, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            $"""
            INSERT INTO replication_outbox (source_account, source_region, repository, digest, tag, destination_account, destination_region, remote_destination, status, next_attempt_at, created_at, updated_at)
            VALUES (@account, @region, @repository, @digest, @tag, '', '', @remote, 'IN_PROGRESS', {database.NowMillis}, {database.NowMillis}, {database.NowMillis})
            """,
            cancellationToken,
            ("@account", registry.AccountId), ("@region", registry.Region), ("@repository", repository), ("@digest", digest), ("@tag", tag), ("@remote", remote));

    public async ValueTask<IReadOnlyList<ReplicationTask>> ClaimAsync(string owner, int limit, TimeSpan claimFor, CancellationToken cancellationToken) =>
        await _claims.ClaimAsync(
            "id, source_account, source_region, repository, digest, tag, destination_account, destination_region, attempts, remote_destination",
            r => new ReplicationTask(
                r.GetInt64(0),
                new RegistryIdentity(r.GetString(1), r.GetString(2)),
                RepositoryName.Parse(r.GetString(3)),
                Digest.Parse(r.GetString(4)),
                r.IsDBNull(5) ? null : Tag.Parse(r.GetString(5)),
                new RegistryIdentity(r.GetString(6), r.GetString(7)),
                r.GetInt32(8),
                r.NullableString(9)),
            owner, limit, claimFor, cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> CompleteAsync(ReplicationTask task, string owner, CancellationToken cancellationToken)
    {
        if (task.Remote is not null || _events.Names.Count == 0)
        {
            return await FinishAsync(task, owner, "COMPLETE", null, null, cancellationToken).ConfigureAwait(false);
        }

        // The event is queued with the status change or not at all: a claim lost to another node writes neither.
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await _claims.SettleAsync(connection, task.Id, owner, FinishAssignments, cancellationToken, FinishParameters("COMPLETE", null, null)).ConfigureAwait(false))
        {
            return false;
        }

        var id = Guid.NewGuid().ToString("D");
        var payload = ReplicationActionEvent.Create(id, time.GetUtcNow(), task.Source, task.Destination, task.Repository.Value, task.Digest.ToString(), task.Tag?.Value);
        await SqlEventOutbox.EnqueueAsync(connection, database, _events, id, payload, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> FailAsync(ReplicationTask task, string owner, string code, string reason, CancellationToken cancellationToken) =>
        await FinishAsync(task, owner, "FAILED", code, reason, cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> RetryAsync(ReplicationTask task, string owner, TimeSpan delay, string reason, CancellationToken cancellationToken) =>
        await _claims.SettleAsync(
            task.Id, owner, "attempts = attempts + 1, next_attempt_at = {now} + @delay, failure_reason = @reason", cancellationToken,
            ("@delay", (long)delay.TotalMilliseconds), ("@reason", reason)).ConfigureAwait(false);

    private const string FinishAssignments = "status = @status, failure_code = @code, failure_reason = @reason, attempts = attempts + 1";

    private static (string, object?)[] FinishParameters(string status, string? code, string? reason) => [("@status", status), ("@code", code), ("@reason", reason)];

    private async Task<bool> FinishAsync(ReplicationTask task, string owner, string status, string? code, string? reason, CancellationToken cancellationToken) =>
        await _claims.SettleAsync(task.Id, owner, FinishAssignments, cancellationToken, FinishParameters(status, code, reason)).ConfigureAwait(false);

    public async ValueTask<ReplicationCopyOutcome> CopyAsync(ReplicationTask task, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var destination = await SqlRepositoryStore.LockSettingsAsync(connection, database, task.Destination, task.Repository.Value, cancellationToken).ConfigureAwait(false);
        if (destination is null)
        {
            return ReplicationCopyOutcome.DestinationMissing;
        }

        var source = await connection.ScalarAsync(
            "SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name",
            cancellationToken, ("@account", task.Source.AccountId), ("@region", task.Source.Region), ("@name", task.Repository.Value)).ConfigureAwait(false);
        if (source is null)
        {
            return ReplicationCopyOutcome.SourceMissing;
        }

        var copy = new ImageCopy(database, connection, Convert.ToInt64(source, System.Globalization.CultureInfo.InvariantCulture), destination.Value.Id);
        if (!await copy.VisitAsync(task.Digest.ToString(), cancellationToken).ConfigureAwait(false)
            || !await copy.WriteAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false))
        {
            return ReplicationCopyOutcome.SourceMissing;
        }

        if (task.Tag is { } tag)
        {
            var current = (string?)await connection.ScalarAsync(
                "SELECT manifest_digest FROM tags WHERE repository_id = @id AND name = @tag",
                cancellationToken, ("@id", destination.Value.Id), ("@tag", tag.Value)).ConfigureAwait(false);

            // ECR: an immutable destination tag already on another image is left alone; the image arrives without it.
            // So does a tag the destination's image has no room for (ECR's quota of tags per image).
            var digest = task.Digest.ToString();
            if ((current is null || destination.Value.Settings.AllowsRetag(tag.Value))
                && (current == digest || await SqlImageStore.TagCountAsync(connection, destination.Value.Id, digest, cancellationToken).ConfigureAwait(false) < ImageService.MaxTagsPerImage))
            {
                await connection.ExecuteAsync(
                    $"""
                    INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES (@id, @tag, @digest, {database.NowMillis})
                    ON CONFLICT (repository_id, name) DO UPDATE SET manifest_digest = excluded.manifest_digest, updated_at = excluded.updated_at
                    """,
                    cancellationToken, ("@id", destination.Value.Id), ("@tag", tag.Value), ("@digest", digest)).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ReplicationCopyOutcome.Copied;
    }
}
