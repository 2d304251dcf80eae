namespace Berth.Core.Replication;

/// <summary>What <see cref="IReplicationOutbox.CopyAsync"/> did.</summary>
public enum ReplicationCopyOutcome
{
    /// <summary>The image (children, subject and referrers included) is in the destination repository.</summary>
    Copied,

    /// <summary>The image, a child manifest or a blob link is no longer in the source repository: nothing was written.</summary>
    SourceMissing,

    /// <summary>The destination repository does not exist (deleted since it was ensured): nothing was written.</summary>
    DestinationMissing,
}
