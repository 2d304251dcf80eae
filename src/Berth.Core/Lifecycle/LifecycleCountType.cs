namespace Berth.Core.Lifecycle;

/// <summary>A rule's <c>selection.countType</c>.</summary>
public enum LifecycleCountType
{
    ImageCountMoreThan,
    SinceImagePushed,
    SinceImagePulled,
    SinceImageTransitioned,
}
