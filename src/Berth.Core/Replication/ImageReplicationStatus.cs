namespace Berth.Core.Replication;

/// <summary>
/// The latest replication of an image to one destination. <see cref="FailureCode"/> is set when
/// <see cref="Status"/> is <see cref="ReplicationStatus.Failed"/>; <see cref="FailureReason"/> is Berth's wording
/// for operators (ECR's API has only the code).
/// </summary>
public sealed record ImageReplicationStatus(ReplicationDestination Destination, ReplicationStatus Status, string? FailureCode, string? FailureReason);
