using System.Globalization;
using Berth.Core.Registries;
using Berth.Core.Replication;

namespace Berth.Storage.Metadata;

/// <summary>
/// Backfill, counters, pruning and listing over <c>replication_outbox</c>. The destination of a row is its remote
/// destination's name, else <c>account/region</c>; the counters scan the outbox, which pruning keeps small.
/// </summary>
internal sealed class SqlReplicationMaintenance(MetadataDatabase database) : IReplicationMaintenance
{
    private const string DestinationExpression = "COALESCE(remote_destination, destination_account || '/' || destination_region)";

    public async ValueTask<int> BackfillAsync(RegistryIdentity source, IReadOnlyList<string> repositoryPrefixes, string? destination, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var configuration = await SqlReplicationStore.FindConfigurationAsync(connection, source, cancellationToken).ConfigureAwait(false) ?? ReplicationConfiguration.Empty;

        // Tagged images, one per tag; then untagged manifests that are neither an index's child nor a referrer.
        var images = await connection.ListAsync(
            """
            SELECT r.name, t.manifest_digest, t.name FROM tags t JOIN repositories r ON r.id = t.repository_id
            WHERE r.account_id = @account AND r.region = @region
            UNION ALL
            SELECT r.name, m.digest, NULL FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.account_id = @account AND r.region = @region AND m.subject IS NULL
              AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository_id = m.repository_id AND t.manifest_digest = m.digest)
              AND NOT EXISTS (SELECT 1 FROM manifest_references x WHERE x.repository_id = m.repository_id AND x.kind = 'manifest' AND x.digest = m.digest)
            """,
            r => (Repository: r.GetString(0), Digest: r.GetString(1), Tag: r.NullableString(2)),
            cancellationToken, ("@account", source.AccountId), ("@region", source.Region)).ConfigureAwait(false);

        var queued = (await connection.ListAsync(
            $"""
            SELECT repository, digest, COALESCE(tag, ''), {DestinationExpression} FROM replication_outbox
            WHERE source_account = @account AND source_region = @region AND status = 'IN_PROGRESS'
            """,
            r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)),
            cancellationToken, ("@account", source.AccountId), ("@region", source.Region)).ConfigureAwait(false)).ToHashSet();

        var count = 0;
        foreach (var image in images.Where(i => repositoryPrefixes.Count == 0 || repositoryPrefixes.Any(p => i.Repository.StartsWith(p, StringComparison.Ordinal))))
        {
            foreach (var target in configuration.DestinationsFor(image.Repository))
            {
                var name = $"{target.RegistryId}/{target.Region}";
                if ((destination is null || destination == name) && queued.Add((image.Repository, image.Digest, image.Tag ?? string.Empty, name)))
                {
                    count += await connection.ExecuteAsync(
                        $"""
                        INSERT INTO replication_outbox (source_account, source_region, repository, digest, tag, destination_account, destination_region, status, next_attempt_at, created_at, updated_at)
                        VALUES (@account, @region, @repository, @digest, @tag, @destinationAccount, @destinationRegion, 'IN_PROGRESS', {database.NowMillis}, {database.NowMillis}, {database.NowMillis})
                        """,
                        cancellationToken,
                        ("@account", source.AccountId), ("@region", source.Region), ("@repository", image.Repository), ("@digest", image.Digest), ("@tag", image.Tag),
                        ("@destinationAccount", target.RegistryId), ("@destinationRegion", target.Region)).ConfigureAwait(false);
                }
            }

            foreach (var remote in await SqlReplicationOutbox.RemotesForAsync(connection, source, image.Repository, cancellationToken).ConfigureAwait(false))
            {
                if ((destination is null || destination == remote) && queued.Add((image.Repository, image.Digest, image.Tag ?? string.Empty, remote)))
                {
                    count += await SqlReplicationOutbox.InsertRemoteAsync(connection, database, source, image.Repository, image.Digest, image.Tag, remote, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    public async ValueTask<IReadOnlyList<ReplicationDestinationStats>> ListStatsAsync(CancellationToken cancellationToken)
    {
        var now = database.NowMillis;
        return await database.ListAsync(
            $"""
            SELECT {DestinationExpression} AS destination,
                SUM(CASE WHEN status = 'IN_PROGRESS' AND (claim_expires_at IS NULL OR claim_expires_at <= {now}) THEN 1 ELSE 0 END),
                SUM(CASE WHEN status = 'IN_PROGRESS' AND claim_expires_at > {now} THEN 1 ELSE 0 END),
                SUM(CASE WHEN status = 'COMPLETE' THEN 1 ELSE 0 END),
                SUM(CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END),
                {now} - MIN(CASE WHEN status = 'IN_PROGRESS' THEN created_at END)
            FROM replication_outbox GROUP BY {DestinationExpression} ORDER BY 1
            """,
            r => new ReplicationDestinationStats(
                r.GetString(0), Int64(r.GetValue(1)), Int64(r.GetValue(2)), Int64(r.GetValue(3)), Int64(r.GetValue(4)),
                r.IsDBNull(5) ? null : TimeSpan.FromMilliseconds(Math.Max(0, Int64(r.GetValue(5))))),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> PruneAsync(TimeSpan retention, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"DELETE FROM replication_outbox WHERE status <> 'IN_PROGRESS' AND updated_at < {database.NowMillis} - @retention",
            cancellationToken, ("@retention", (long)retention.TotalMilliseconds)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<ReplicationRecord>> ListRecentAsync(string? destination, int limit, CancellationToken cancellationToken) =>
        await database.ListAsync(
            $"""
            SELECT id, source_account, source_region, repository, digest, tag, {DestinationExpression}, status, attempts, failure_code, failure_reason, updated_at
            FROM replication_outbox WHERE (@all = 1 OR {DestinationExpression} = @destination) ORDER BY id DESC LIMIT @limit
            """,
            r => new ReplicationRecord(
                r.GetInt64(0), new RegistryIdentity(r.GetString(1), r.GetString(2)), r.GetString(3), r.GetString(4), r.NullableString(5), r.GetString(6),
                r.GetString(7) switch { "COMPLETE" => ReplicationStatus.Complete, "FAILED" => ReplicationStatus.Failed, _ => ReplicationStatus.InProgress },
                r.GetInt32(8), r.NullableString(9), r.NullableString(10), r.Time(11)),
            cancellationToken, ("@all", destination is null ? 1 : 0), ("@destination", destination ?? string.Empty), ("@limit", limit)).ConfigureAwait(false);

    private static long Int64(object value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
