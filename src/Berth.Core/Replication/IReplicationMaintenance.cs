using Berth.Core.Registries;

namespace Berth.Core.Replication;

/// <summary>
/// Operator work on the replication outbox: backfill, counters, pruning and listing. Safe for concurrent use by any
/// number of nodes and commands.
/// </summary>
public interface IReplicationMaintenance
{
    /// <summary>
    /// Queues every image already in <paramref name="source"/>'s repositories whose name starts with one of
    /// <paramref name="repositoryPrefixes"/> (all when empty) for the destinations the registry's replication
    /// configuration and its remote destinations name (only <paramref name="destination"/>, an account/region or a
    /// remote's name, when given): one row per tag, and one per untagged manifest that no index lists and that is no
    /// referrer (children and referrers travel with their image). A row already queued for the same image, tag and
    /// destination is not queued twice. Returns the rows queued.
    /// </summary>
    ValueTask<int> BackfillAsync(RegistryIdentity source, IReadOnlyList<string> repositoryPrefixes, string? destination, CancellationToken cancellationToken);

    /// <summary>The outbox per destination, by the database's clock.</summary>
    ValueTask<IReadOnlyList<ReplicationDestinationStats>> ListStatsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes COMPLETE and FAILED rows last updated longer than <paramref name="retention"/> ago; returns how many.</summary>
    ValueTask<int> PruneAsync(TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> rows, of <paramref name="destination"/> only when given, newest first.</summary>
    ValueTask<IReadOnlyList<ReplicationRecord>> ListRecentAsync(string? destination, int limit, CancellationToken cancellationToken);
}
