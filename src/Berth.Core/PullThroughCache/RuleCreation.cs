namespace Berth.Core.PullThroughCache;

/// <summary>What <see cref="IPullThroughCacheRuleStore.CreateAsync"/> did.</summary>
public enum RuleCreation
{
    Created,
    AlreadyExists,
    LimitReached,
}
