namespace Berth.Core.Lifecycle;

/// <summary>A rule's <c>action.type</c>: expire deletes the image, transition moves it to the archive storage class.</summary>
public enum LifecycleActionType
{
    Expire,
    Transition,
}
