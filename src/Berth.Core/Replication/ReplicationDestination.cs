namespace Berth.Core.Replication;

/// <summary>A registry images are replicated to: an account and a region of this deployment.</summary>
public sealed record ReplicationDestination(string RegistryId, string Region);
