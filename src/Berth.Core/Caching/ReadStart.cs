namespace Berth.Core.Caching;

/// <summary>When a store read began: the cache version and the time (see <see cref="ShortLivedCache{TKey, TValue}"/>).</summary>
public readonly record struct ReadStart(long Version, DateTimeOffset At);
