namespace Berth.Core.Replication;

/// <summary>
/// The failureCode values of a FAILED replication. ECR's API types failureCode as a free string and does not publish
/// its values, so these are Berth's; the reason stored with them is logged and shown by <c>berth</c> tooling.
/// </summary>
public static class ReplicationFailureCodes
{
    /// <summary>The destination registry's policy does not allow the source account ecr:ReplicateImage (or ecr:CreateRepository).</summary>
    public const string AccessDenied = "ACCESS_DENIED";

    /// <summary>The image, a child manifest or a blob was deleted from the source before it was copied.</summary>
    public const string ImageNotFound = "IMAGE_NOT_FOUND";

    /// <summary>A remote destination refused the content (a 4xx other than 401/403/408/429), e.g. an immutable tag.</summary>
    public const string DestinationRejected = "DESTINATION_REJECTED";

    /// <summary>The remote destination was removed (<c>berth replication destination remove</c>) before the copy.</summary>
    public const string DestinationRemoved = "DESTINATION_REMOVED";

    /// <summary>Every attempt failed; the last reason is kept.</summary>
    public const string RetriesExhausted = "RETRIES_EXHAUSTED";
}
