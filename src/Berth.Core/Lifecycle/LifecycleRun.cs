namespace Berth.Core.Lifecycle;

/// <summary>What one evaluation of a repository's policy did: images expired and images archived.</summary>
public sealed record LifecycleRun(int Expired, int Archived)
{
    public static readonly LifecycleRun None = new(0, 0);
}
