using System.Data.Common;
using Berth.Core.Events;
using Berth.Core.Registries;
using Berth.Core.Scanning;

namespace Berth.Storage.Metadata;

/// <summary>
/// The scan queue: the IN_PROGRESS rows of <c>image_scans</c>. Claims use the database's clock, as the replication
/// outbox does, and the same single UPDATE that repeats its "unclaimed" test outside the sub-select, so two nodes
/// never claim one row (PostgreSQL re-checks the test on a row another node has just claimed; SQLite's writers are
/// serial). Each claim counts an attempt, so an image that kills its worker every time is given up after a few.
/// </summary>
internal sealed class SqlScanBacklog(MetadataDatabase database, ImageEventEndpoints? events = null, TimeProvider? time = null) : IScanBacklog
{
    private readonly ImageEventEndpoints _events = events ?? ImageEventEndpoints.None;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>On the push's transaction: queues the new image's scan when the registry's rules or the repository's scanOnPush say so.</summary>
    internal static async Task EnqueueOnPushAsync(
        DbConnection connection, MetadataDatabase database, RegistryIdentity registry, long repositoryId, string repository, bool scanOnPush, string digest, CancellationToken cancellationToken)
    {
        var configuration = await SqlImageScanStore.FindConfigurationAsync(connection, registry, cancellationToken).ConfigureAwait(false) ?? RegistryScanningConfiguration.Default;
        if (configuration.FrequencyFor(repository, scanOnPush).Frequency is ScanningRule.ScanOnPush or ScanningRule.ContinuousScan)
        {
            await QueueAsync(connection, database, repositoryId, digest, countsAgainstQuota: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the image's scan IN_PROGRESS and unclaimed; the last findings stay until the new scan completes.</summary>
    internal static Task QueueAsync(DbConnection connection, MetadataDatabase database, long repositoryId, string digest, bool countsAgainstQuota, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            $"""
            INSERT INTO image_scans (repository_id, digest, status, queued_at, started_at, attempts)
            VALUES (@id, @digest, 'IN_PROGRESS', {database.NowMillis}, {database.NowMillis}, 0)
            ON CONFLICT (repository_id, digest) DO UPDATE SET status = 'IN_PROGRESS', description = NULL, queued_at = excluded.queued_at,
                started_at = {(countsAgainstQuota ? "excluded.started_at" : "image_scans.started_at")}, attempts = 0, claimed_by = NULL, claim_expires_at = NULL
            """,
            cancellationToken, ("@id", repositoryId), ("@digest", digest));

    public async Task<IReadOnlyList<ScanTask>> ClaimAsync(string owner, int limit, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        var now = database.NowMillis;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var claimed = await connection.ListAsync(
            $"""
            UPDATE image_scans SET claimed_by = @owner, claim_expires_at = {now} + @claim, attempts = attempts + 1
            WHERE (repository_id, digest) IN (SELECT repository_id, digest FROM image_scans
                                              WHERE status = 'IN_PROGRESS' AND (claim_expires_at IS NULL OR claim_expires_at <= {now})
                                              ORDER BY queued_at LIMIT @limit)
              AND status = 'IN_PROGRESS' AND (claim_expires_at IS NULL OR claim_expires_at <= {now})
            RETURNING repository_id, digest, attempts
            """,
            r => (Id: r.GetInt64(0), Digest: r.GetString(1), Attempts: r.GetInt32(2)),
            cancellationToken, ("@owner", owner), ("@claim", (long)claimFor.TotalMilliseconds), ("@limit", limit)).ConfigureAwait(false);

        var tasks = new List<ScanTask>();
        foreach (var (id, digest, attempts) in claimed)
        {
            var task = await connection.FirstAsync(
                """
                SELECT r.account_id, r.region, r.name, m.media_type, m.content,
                       (SELECT c.configuration FROM scanning_configurations c WHERE c.account_id = r.account_id AND c.region = r.region)
                FROM repositories r JOIN manifests m ON m.repository_id = r.id WHERE r.id = @id AND m.digest = @digest
                """,
                r => new ScanTask(id, new RegistryIdentity(r.GetString(0), r.GetString(1)), r.GetString(2), digest, r.GetString(3), (byte[])r.GetValue(4), attempts - 1,
                    r.NullableString(5) is { } configuration ? ScanningJson.ReadConfiguration(configuration).ScanType : RegistryScanningConfiguration.Basic),
                cancellationToken, ("@id", id), ("@digest", digest)).ConfigureAwait(false);
            if (task is not null)
            {
                tasks.Add(task);
            }
        }

        return tasks;
    }

    public async Task<bool> CompleteAsync(ScanTask task, string owner, IReadOnlyList<ScanFinding> findings, DateTimeOffset? sourceUpdatedAt, CancellationToken cancellationToken)
    {
        var counts = findings.GroupBy(f => f.Severity).ToDictionary(g => g.Key, g => g.Count());
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(
            $"""
            UPDATE image_scans SET status = 'COMPLETE', description = @description, completed_at = {database.NowMillis}, source_updated_at = {(sourceUpdatedAt is null ? "NULL" : "@source")},
                severity_counts = @counts, scan_type = @type, claimed_by = NULL, claim_expires_at = NULL
            WHERE repository_id = @id AND digest = @digest AND claimed_by = @owner AND status = 'IN_PROGRESS'
            """,
            cancellationToken, ("@id", task.RepositoryId), ("@digest", task.Digest), ("@owner", owner), ("@description", ScanStatus.CompleteDescription),
            ("@source", sourceUpdatedAt?.ToUnixTimeMilliseconds() ?? 0), ("@counts", ScanningJson.Write(counts)), ("@type", task.ScanType)).ConfigureAwait(false);
        if (updated == 0)
        {
            return false;
        }

        await connection.ExecuteAsync("DELETE FROM image_scan_findings WHERE repository_id = @id AND digest = @digest", cancellationToken, ("@id", task.RepositoryId), ("@digest", task.Digest)).ConfigureAwait(false);
        await using (var insert = connection.Command(
            """
            INSERT INTO image_scan_findings (repository_id, digest, ordinal, name, description, uri, severity, package_name, package_version, cvss_vector, cvss_score, details)
            VALUES (@id, @digest, @ordinal, @name, @description, @uri, @severity, @package, @version, @vector, @score, @details)
            """,
            ("@id", task.RepositoryId), ("@digest", task.Digest), ("@ordinal", 0L), ("@name", string.Empty), ("@description", string.Empty), ("@uri", string.Empty),
            ("@severity", string.Empty), ("@package", string.Empty), ("@version", string.Empty), ("@vector", string.Empty), ("@score", 0.0), ("@details", string.Empty)))
        {
            // Typed once, so that PostgreSQL accepts the NULLs bound later.
            insert.Parameters["@description"].DbType = System.Data.DbType.String;
            insert.Parameters["@vector"].DbType = System.Data.DbType.String;
            insert.Parameters["@score"].DbType = System.Data.DbType.Double;
            insert.Parameters["@details"].DbType = System.Data.DbType.String;
            for (var i = 0; i < findings.Count; i++)
            {
                var f = findings[i];
                insert.Parameters["@ordinal"].Value = (long)i;
                insert.Parameters["@name"].Value = f.Name;
                insert.Parameters["@description"].Value = (object?)f.Description ?? DBNull.Value;
                insert.Parameters["@uri"].Value = f.Uri;
                insert.Parameters["@severity"].Value = f.Severity;
                insert.Parameters["@package"].Value = f.PackageName;
                insert.Parameters["@version"].Value = f.PackageVersion;
                insert.Parameters["@vector"].Value = (object?)f.CvssVector ?? DBNull.Value;
                insert.Parameters["@score"].Value = (object?)f.CvssScore ?? DBNull.Value;
                insert.Parameters["@details"].Value = (object?)f.Enhanced?.ToJson() ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await SqlScanEvents.EnqueueAsync(connection, database, _events, _time, task.RepositoryId, task.Digest, ScanStatus.Complete, counts, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> FailAsync(ScanTask task, string owner, string description, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(
            $"""
            UPDATE image_scans SET status = 'FAILED', description = @description, completed_at = {database.NowMillis}, claimed_by = NULL, claim_expires_at = NULL
            WHERE repository_id = @id AND digest = @digest AND claimed_by = @owner AND status = 'IN_PROGRESS'
            """,
            cancellationToken, ("@id", task.RepositoryId), ("@digest", task.Digest), ("@owner", owner), ("@description", description)).ConfigureAwait(false);
        if (updated == 0)
        {
            return false;
        }

        await SqlScanEvents.EnqueueAsync(connection, database, _events, _time, task.RepositoryId, task.Digest, ScanStatus.Failed, new Dictionary<string, int>(), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
