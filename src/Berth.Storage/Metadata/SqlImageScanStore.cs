using System.Data.Common;
using System.Globalization;
using Berth.Core.Content;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Registries;
using Berth.Core.Scanning;

namespace Berth.Storage.Metadata;

/// <summary>The request registry's image scans (<c>image_scans</c>, <c>image_scan_findings</c>) and scanning configuration.</summary>
internal sealed class SqlImageScanStore(MetadataDatabase database, RegistryIdentity registry, TimeProvider time) : IImageScanStore
{
    private const string ScanColumns = "s.digest, s.status, s.description, s.completed_at, s.source_updated_at, s.severity_counts, s.scan_type";

    public async Task<ImageScan?> FindAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        (await ListAsync(repository, [digest.ToString()], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(digest.ToString());

    public async Task<IReadOnlyDictionary<string, ImageScan>> ListAsync(RepositoryName repository, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, ImageScan>(StringComparer.Ordinal);
        if (digests.Count == 0)
        {
            return result;
        }

        var names = digests.Select((_, i) => "@d" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var parameters = digests.Select((d, i) => (names[i], (object?)d))
            .Concat([("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value)]).ToArray();
        var rows = await database.ListAsync(
            $"""
            SELECT {ScanColumns} FROM image_scans s JOIN repositories r ON r.id = s.repository_id
            WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND s.digest IN ({string.Join(", ", names)})
            """,
            r => (r.GetString(0), new ImageScan(
                r.GetString(1), r.NullableString(2),
                r.IsDBNull(3) ? null : r.Time(3), r.IsDBNull(4) ? null : r.Time(4),
                ScanningJson.ReadCounts(r.NullableString(5)), r.NullableString(6) ?? RegistryScanningConfiguration.Basic)),
            cancellationToken, parameters).ConfigureAwait(false);
        foreach (var (digest, scan) in rows)
        {
            result[digest] = scan;
        }

        return result;
    }

    public async Task<StartScanOutcome> StartAsync(RepositoryName repository, Digest digest, TimeSpan quota, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await connection.LockRepositoryAsync(database, registry, repository.Value, cancellationToken).ConfigureAwait(false) is not { } id
            || await connection.ScalarAsync("SELECT 1 FROM manifests WHERE repository_id = @id AND digest = @digest", cancellationToken, ("@id", id), ("@digest", digest.ToString())).ConfigureAwait(false) is null)
        {
            return StartScanOutcome.ImageMissing;
        }

        var recent = await connection.ScalarAsync(
            $"SELECT 1 FROM image_scans WHERE repository_id = @id AND digest = @digest AND started_at > {database.NowMillis} - @quota",
            cancellationToken, ("@id", id), ("@digest", digest.ToString()), ("@quota", (long)quota.TotalMilliseconds)).ConfigureAwait(false);
        if (recent is not null)
        {
            return StartScanOutcome.LimitExceeded;
        }

        await SqlScanBacklog.QueueAsync(connection, database, id, digest.ToString(), countsAgainstQuota: true, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return StartScanOutcome.Started;
    }

    public async Task<Page<ScanFinding>> ListFindingsAsync(RepositoryName repository, Digest digest, PageRequest page, CancellationToken cancellationToken)
    {
        var after = page.After is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : -1;
        return await database.PageAsync(
            """
            SELECT f.name, f.description, f.uri, f.severity, f.package_name, f.package_version, f.cvss_vector, f.cvss_score, f.details, f.ordinal
            FROM image_scan_findings f JOIN repositories r ON r.id = f.repository_id
            WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND f.digest = @digest AND f.ordinal > @after
            ORDER BY f.ordinal LIMIT @limit
            """,
            page.Limit,
            r => new ScanFinding(
                r.GetString(0), r.NullableString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.NullableString(6), r.IsDBNull(7) ? null : r.GetDouble(7), EnhancedFindingDetails.FromJson(r.NullableString(8))),
            cancellationToken,
            ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString()),
            ("@after", after), ("@limit", page.Limit + 1)).ConfigureAwait(false);
    }

    public async Task<RegistryScanningConfiguration> GetConfigurationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindConfigurationAsync(connection, registry, cancellationToken).ConfigureAwait(false) ?? RegistryScanningConfiguration.Default;
    }

    public async Task PutConfigurationAsync(RegistryScanningConfiguration configuration, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO scanning_configurations (account_id, region, configuration, updated_at) VALUES (@account, @region, @configuration, @now)
            ON CONFLICT (account_id, region) DO UPDATE SET configuration = excluded.configuration, updated_at = excluded.updated_at
            """,
            cancellationToken,
            ("@account", registry.AccountId), ("@region", registry.Region), ("@configuration", ScanningJson.Write(configuration)),
            ("@now", time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);

    internal static async Task<RegistryScanningConfiguration?> FindConfigurationAsync(DbConnection connection, RegistryIdentity registry, CancellationToken cancellationToken) =>
        await connection.ScalarAsync(
            "SELECT configuration FROM scanning_configurations WHERE account_id = @account AND region = @region",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false) is string json
            ? ScanningJson.ReadConfiguration(json)
            : null;
}
