namespace Berth.Core.Lifecycle;

/// <summary>An image's storage status with the times it was last archived and restored.</summary>
public sealed record ImageStorageState(ImageStatus Status, DateTimeOffset? LastArchivedAt, DateTimeOffset? LastActivatedAt)
{
    public static readonly ImageStorageState Active = new(ImageStatus.Active, null, null);
}
