namespace Berth.Core.Lifecycle;

/// <summary>One rule of a lifecycle policy; <see cref="Priority"/> is unique within its policy.</summary>
public sealed record LifecycleRule(int Priority, string? Description, LifecycleSelection Selection, LifecycleActionType Action);
