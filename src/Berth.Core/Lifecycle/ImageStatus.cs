namespace Berth.Core.Lifecycle;

/// <summary>
/// ECR's imageStatus: ACTIVE images are pullable; ARCHIVED ones are not (and are listed only when asked for);
/// ACTIVATING is the answer of a restore that has started.
/// </summary>
public enum ImageStatus
{
    Active,
    Archived,
    Activating,
}
