using Berth.Core.Caching;

namespace Berth.Core.Tests.Caching;

public sealed class ShortLivedCacheTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void AValueIsServedUntilTheLifetimeAfterItsReadBeganAndNotAfter()
    {
        var cache = new ShortLivedCache<string, string?>(new AuthorizationCachePolicy(TimeSpan.FromSeconds(1), _clock));
        var start = cache.Begin();
        _clock.Now += TimeSpan.FromMilliseconds(300); // the store read took this long
        cache.Set("AKIA1", "user/ci", start);

        _clock.Now += TimeSpan.FromMilliseconds(699);
        Assert.True(cache.TryGet("AKIA1", out var value));
        Assert.Equal("user/ci", value);

        _clock.Now += TimeSpan.FromMilliseconds(1);
        Assert.False(cache.TryGet("AKIA1", out _));
    }

    [Fact]
    public void AnEarlierEndTheCallerNamesWins()
    {
        var cache = new ShortLivedCache<string, string?>(new AuthorizationCachePolicy(TimeSpan.FromSeconds(1), _clock));
        cache.Set("ASIA1", "session", cache.Begin(), notAfter: _clock.Now + TimeSpan.FromMilliseconds(10));

        Assert.True(cache.TryGet("ASIA1", out _));
        _clock.Now += TimeSpan.FromMilliseconds(10);
        Assert.False(cache.TryGet("ASIA1", out _));
    }

    [Fact]
    public void InvalidateDropsEveryEntryAndAReadThatBeganBeforeItIsNotKept()
    {
        var policy = new AuthorizationCachePolicy(TimeSpan.FromSeconds(1), _clock);
        var cache = new ShortLivedCache<string, string?>(policy);
        cache.Set("a", "1", cache.Begin());
        var raced = cache.Begin();

        policy.Invalidate();
        cache.Set("b", "stale", raced); // read before the change, stored after it

        Assert.False(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        cache.Set("b", "fresh", cache.Begin());
        Assert.True(cache.TryGet("b", out var fresh));
        Assert.Equal("fresh", fresh);
    }

    [Fact]
    public void NullIsAValueAndAZeroLifetimeCachesNothing()
    {
        var cache = new ShortLivedCache<string, string?>(new AuthorizationCachePolicy(TimeSpan.FromSeconds(1), _clock));
        cache.Set("gone", null, cache.Begin());
        Assert.True(cache.TryGet("gone", out var value));
        Assert.Null(value);

        var off = new ShortLivedCache<string, string?>(new AuthorizationCachePolicy(TimeSpan.Zero, _clock));
        off.Set("a", "1", off.Begin());
        Assert.False(off.TryGet("a", out _));
    }

    [Fact]
    public void PastItsCapacityTheCacheStartsOver()
    {
        var cache = new ShortLivedCache<int, string?>(new AuthorizationCachePolicy(TimeSpan.FromSeconds(1), _clock), capacity: 3);
        for (var i = 0; i < 3; i++)
        {
            cache.Set(i, "v", cache.Begin());
        }

        Assert.True(cache.TryGet(0, out _));
        cache.Set(3, "v", cache.Begin());

        Assert.False(cache.TryGet(0, out _));
        Assert.True(cache.TryGet(3, out _));
    }
}
