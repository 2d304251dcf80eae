namespace Berth.Core.Lifecycle;

/// <summary>A repository's lifecycle policy text and when it last ran (null: not yet).</summary>
public sealed record StoredLifecyclePolicy(string Text, DateTimeOffset? LastEvaluatedAt);
