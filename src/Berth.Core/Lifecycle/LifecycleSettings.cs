namespace Berth.Core.Lifecycle;

/// <summary>
/// Deployment settings of lifecycle policies. <see cref="AllowExpireSinceImagePulled"/> is a Berth extension, off by
/// default: ECR accepts countType sinceImagePulled only with the transition action.
/// </summary>
public sealed record LifecycleSettings(bool AllowExpireSinceImagePulled)
{
    public static readonly LifecycleSettings Default = new(false);
}
