namespace Berth.Core.Lifecycle;

/// <summary>A lifecycle policy preview: the policy it ran, its status and its results (oldest image first).</summary>
public sealed record LifecyclePreview(string PolicyText, LifecyclePreviewStatus Status, IReadOnlyList<LifecyclePreviewResult> Results, DateTimeOffset CreatedAt);
