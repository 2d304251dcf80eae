namespace Berth.Core.Caching;

/// <summary>
/// How long what authorization reads from the metadata store (whether a registry token's key is still active and its
/// owner still there, identity policies, repository policies and tags) may be reused: at most <see cref="Lifetime"/>
/// after it was read, and never after <see cref="Invalidate"/>, which this node calls whenever a request that may have
/// changed such state (any request other than GET and HEAD) reaches its response. A change made on this node therefore
/// applies to the next request; one made on another node sharing the store, or by <c>berth account</c>, within
/// <see cref="Lifetime"/>. A zero lifetime turns the caches off.
/// </summary>
public sealed class AuthorizationCachePolicy(TimeSpan lifetime, TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(1);

    private long _version;

    public TimeSpan Lifetime { get; } = lifetime < TimeSpan.Zero ? TimeSpan.Zero : lifetime;

    public TimeProvider Time { get; } = time;

    public bool Enabled => Lifetime > TimeSpan.Zero;

    /// <summary>Changes whenever cached entries must no longer be used; an entry remembers the version it was read at.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Discards every entry read before now (cheap: one increment; the entries go stale, not away).</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);
}
