namespace Berth.Core.Lifecycle;

/// <summary>ECR's LifecyclePolicyPreviewStatus.</summary>
public enum LifecyclePreviewStatus
{
    InProgress,
    Complete,
    Expired,
    Failed,
}
