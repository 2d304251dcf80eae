namespace Berth.Core.Lifecycle;

/// <summary>An image a rule acts on: the rule's action (expire, or transition to archive) applies to it.</summary>
public sealed record LifecycleDecision(LifecycleImage Image, LifecycleRule Rule)
{
    public LifecycleActionType Action => Rule.Action;

    /// <summary>The storage class the image is in when the rule selects it.</summary>
    public ImageStorageClass StorageClass => Rule.Selection.StorageClass;
}
