using Berth.Core.Content;

namespace Berth.Core.Lifecycle;

/// <summary>One image a preview found a rule acting on: ECR's LifecyclePolicyPreviewResult.</summary>
public sealed record LifecyclePreviewResult(
    Digest Digest, IReadOnlyList<string> Tags, DateTimeOffset PushedAt, LifecycleActionType Action, int AppliedRulePriority, ImageStorageClass StorageClass)
{
    public static LifecyclePreviewResult Of(LifecycleDecision decision) =>
        new(decision.Image.Digest, decision.Image.Tags, decision.Image.PushedAt, decision.Action, decision.Rule.Priority, decision.StorageClass);
}
