namespace Berth.Core.Lifecycle;

/// <summary>A rule's <c>selection.tagStatus</c>.</summary>
public enum LifecycleTagStatus
{
    Tagged,
    Untagged,
    Any,
}
