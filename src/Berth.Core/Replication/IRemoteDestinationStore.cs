using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Core.Replication;

/// <summary>
/// The remote destinations of the deployment (<c>berth replication destination …</c>) and what was uploaded to them.
/// Safe for concurrent use by any number of nodes.
/// </summary>
public interface IRemoteDestinationStore
{
    /// <summary>Adds the destination; false (and nothing stored) when one of that name exists.</summary>
    ValueTask<bool> AddAsync(RemoteDestination destination, CancellationToken cancellationToken);

    /// <summary>Removes the destination; its queued outbox rows then fail with DESTINATION_REMOVED. False when there was none.</summary>
    ValueTask<bool> RemoveAsync(string name, CancellationToken cancellationToken);

    /// <summary>The destination, or null when none has that name.</summary>
    ValueTask<RemoteDestination?> FindAsync(string name, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<RemoteDestination>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Remembers that <paramref name="repository"/> at the destination holds <paramref name="digest"/> (a source for later mounts).</summary>
    ValueTask RecordBlobAsync(string destination, Digest digest, RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>A repository at the destination that received <paramref name="digest"/> from Berth, or null.</summary>
    ValueTask<RepositoryName?> FindMountSourceAsync(string destination, Digest digest, CancellationToken cancellationToken);
}
