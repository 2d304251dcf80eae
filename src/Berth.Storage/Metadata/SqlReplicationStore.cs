using System.Data.Common;
using Berth.Core.Content;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Replication;

namespace Berth.Storage.Metadata;

/// <summary>A registry's replication configuration (<c>replication_configurations</c>) and its images' statuses (the outbox rows).</summary>
internal sealed class SqlReplicationStore(MetadataDatabase database, RegistryIdentity registry, TimeProvider time) : IReplicationStore
{
    public async ValueTask<ReplicationConfiguration> GetConfigurationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindConfigurationAsync(connection, registry, cancellationToken).ConfigureAwait(false) ?? ReplicationConfiguration.Empty;
    }

    public async ValueTask PutConfigurationAsync(ReplicationConfiguration configuration, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO replication_configurations (account_id, region, configuration, updated_at) VALUES (@account, @region, @configuration, @now)
            ON CONFLICT (account_id, region) DO UPDATE SET configuration = excluded.configuration, updated_at = excluded.updated_at
            """,
            cancellationToken,
            ("@account", registry.AccountId), ("@region", registry.Region), ("@configuration", configuration.ToJson()),
            ("@now", time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);

    // The newest row per destination: a re-push of the same digest queues new rows, and its status is the newest's.
    public async ValueTask<IReadOnlyList<ImageReplicationStatus>> ListStatusesAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        await database.ListAsync(
            """
            SELECT o.destination_account, o.destination_region, o.status, o.failure_code, o.failure_reason FROM replication_outbox o
            WHERE o.source_account = @account AND o.source_region = @region AND o.repository = @name AND o.digest = @digest AND o.remote_destination IS NULL
              AND o.id = (SELECT max(n.id) FROM replication_outbox n
                          WHERE n.source_account = o.source_account AND n.source_region = o.source_region AND n.repository = o.repository
                            AND n.digest = o.digest AND n.destination_account = o.destination_account AND n.destination_region = o.destination_region)
            ORDER BY o.id
            """,
            r => new ImageReplicationStatus(
                new ReplicationDestination(r.GetString(0), r.GetString(1)),
                r.GetString(2) switch { "COMPLETE" => ReplicationStatus.Complete, "FAILED" => ReplicationStatus.Failed, _ => ReplicationStatus.InProgress },
                r.NullableString(3),
                r.NullableString(4)),
            cancellationToken,
            ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString())).ConfigureAwait(false);

    internal static async Task<ReplicationConfiguration?> FindConfigurationAsync(DbConnection connection, RegistryIdentity registry, CancellationToken cancellationToken) =>
        await connection.ScalarAsync(
            "SELECT configuration FROM replication_configurations WHERE account_id = @account AND region = @region",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false) is string json
            ? ReplicationConfiguration.FromJson(json)
            : null;
}
