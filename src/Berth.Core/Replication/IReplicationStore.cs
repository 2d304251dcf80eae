using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Core.Replication;

/// <summary>The replication configuration of one registry and the replication statuses of its images. Scoped to the request's registry.</summary>
public interface IReplicationStore
{
    /// <summary>The registry's configuration; <see cref="ReplicationConfiguration.Empty"/> when none was put.</summary>
    ValueTask<ReplicationConfiguration> GetConfigurationAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the registry's configuration. Pushes committed afterwards are replicated by it.</summary>
    ValueTask PutConfigurationAsync(ReplicationConfiguration configuration, CancellationToken cancellationToken);

    /// <summary>The latest replication of the image to each destination it was queued for; empty when none.</summary>
    ValueTask<IReadOnlyList<ImageReplicationStatus>> ListStatusesAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);
}
