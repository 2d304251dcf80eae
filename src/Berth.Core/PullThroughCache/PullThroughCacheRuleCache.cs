using Berth.Core.Caching;
using Berth.Core.Registries;

namespace Berth.Core.PullThroughCache;

/// <summary>
/// The rules of each registry as last read from the store, so that a manifest GET or a push (which both ask whether a
/// rule covers the repository) reads no table. Kept under <see cref="AuthorizationCachePolicy"/>: a rule created,
/// updated or deleted through this node applies to the next request (every non-GET request invalidates the policy when
/// it answers), one changed through another node sharing the store within the policy's lifetime
/// (<c>Berth:AuthorizationCacheSeconds</c>, 1 s by default). A zero lifetime reads the table every time.
/// </summary>
public sealed class PullThroughCacheRuleCache(AuthorizationCachePolicy policy)
{
    private readonly ShortLivedCache<RegistryAuthorizationCache.RegistryKey, IReadOnlyList<PullThroughCacheRule>> _rules = new(policy, capacity: 1_000);

    /// <summary>Every rule of <paramref name="registry"/>, from this cache or else from <paramref name="store"/>.</summary>
    public async ValueTask<IReadOnlyList<PullThroughCacheRule>> ListAsync(IPullThroughCacheRuleStore store, RegistryIdentity registry, CancellationToken cancellationToken)
    {
        var key = new RegistryAuthorizationCache.RegistryKey(registry.AccountId, registry.Region);
        if (_rules.TryGet(key, out var rules))
        {
            return rules;
        }

        var start = _rules.Begin();
        rules = await store.ListAllAsync(cancellationToken).ConfigureAwait(false);
        _rules.Set(key, rules, start);
        return rules;
    }
}
