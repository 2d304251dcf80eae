using Berth.Core.Content;
using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Core.Replication;

/// <summary>
/// One outbox row a worker has claimed: copy <see cref="Digest"/> of <see cref="Repository"/> in
/// <see cref="Source"/> to the repository of the same name in <see cref="Destination"/>, and point
/// <see cref="Tag"/> at it there when the push carried a tag. <see cref="Attempts"/> counts earlier tries.
/// <see cref="Remote"/> names a <see cref="RemoteDestination"/> instead; <see cref="Destination"/> is then empty.
/// </summary>
public sealed record ReplicationTask(
    long Id, RegistryIdentity Source, RepositoryName Repository, Digest Digest, Tag? Tag, RegistryIdentity Destination, int Attempts, string? Remote = null)
{
    /// <summary>How logs and <c>berth replication status</c> name the destination: account/region, or the remote's name.</summary>
    public string DestinationName => Remote ?? $"{Destination.AccountId}/{Destination.Region}";
}
