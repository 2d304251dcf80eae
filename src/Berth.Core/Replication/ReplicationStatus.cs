namespace Berth.Core.Replication;

/// <summary>Where the replication of one image to one destination stands (ECR's ReplicationStatus enum).</summary>
public enum ReplicationStatus
{
    /// <summary>Queued, being copied, or waiting for a retry.</summary>
    InProgress,
    Complete,
    Failed,
}
