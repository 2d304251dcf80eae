using System.Collections.Concurrent;

namespace Berth.Core.Caching;

/// <summary>
/// A bounded map of values read from the store, each good until <see cref="AuthorizationCachePolicy.Lifetime"/> after
/// the read began (or an earlier time the caller names) and only while the policy's version is the one the read began
/// at, so a value read concurrently with a change is never kept past that change's <see cref="AuthorizationCachePolicy.Invalidate"/>.
/// Callers take <see cref="Begin"/> before reading the store and hand it to <see cref="Set"/>. Past
/// <paramref name="capacity"/> additions the map starts over, which bounds memory whatever keys requests bring.
/// </summary>
public sealed class ShortLivedCache<TKey, TValue>(AuthorizationCachePolicy policy, int capacity = 10_000)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private int _additions;

    public bool TryGet(TKey key, out TValue value)
    {
        if (policy.Enabled && _entries.TryGetValue(key, out var entry)
            && entry.Version == policy.Version && entry.NotAfter > policy.Time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>The version and time a store read starts at; pass it to <see cref="Set"/> with what the read returned.</summary>
    public ReadStart Begin() => new(policy.Version, policy.Time.GetUtcNow());

    /// <summary>Keeps <paramref name="value"/> until the lifetime after <paramref name="start"/>, or <paramref name="notAfter"/> if sooner.</summary>
    public void Set(TKey key, TValue value, ReadStart start, DateTimeOffset? notAfter = null)
    {
        if (!policy.Enabled)
        {
            return;
        }

        var until = start.At + policy.Lifetime;
        if (notAfter is { } limit && limit < until)
        {
            until = limit;
        }

        if (Interlocked.Increment(ref _additions) > capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _additions, 1);
        }

        _entries[key] = new Entry(value, start.Version, until);
    }

    private sealed record Entry(TValue Value, long Version, DateTimeOffset NotAfter);
}
