namespace Berth.Server.BackgroundJobs;

/// <summary>
/// This process among the nodes sharing one metadata store: the owner name under which it holds leases. Unique per
/// process start, so a node restarted on the same host does not inherit the leases of its previous life.
/// </summary>
internal sealed class NodeIdentity
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
}
