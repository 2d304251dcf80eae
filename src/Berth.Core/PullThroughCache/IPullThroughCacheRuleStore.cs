using Berth.Core.Paging;

namespace Berth.Core.PullThroughCache;

/// <summary>The pull through cache rules of one registry, keyed by their normalized ECR repository prefix.</summary>
public interface IPullThroughCacheRuleStore
{
    /// <summary>The rule with this prefix, or null.</summary>
    ValueTask<PullThroughCacheRule?> FindAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new rule unless its prefix is taken or the registry already holds <paramref name="maxRules"/> rules;
    /// the count and the insert are one atomic step (safe across nodes).
    /// </summary>
    ValueTask<RuleCreation> CreateAsync(PullThroughCacheRule rule, int maxRules, CancellationToken cancellationToken);

    /// <summary>Replaces the credential, role and update time of the rule with the same prefix; false when there is none.</summary>
    ValueTask<bool> UpdateAsync(PullThroughCacheRule rule, CancellationToken cancellationToken);

    /// <summary>Deletes the rule with this prefix; false when there is none.</summary>
    ValueTask<bool> DeleteAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Rules in ordinal order of prefix, after <see cref="PageRequest.After"/>.</summary>
    ValueTask<Page<PullThroughCacheRule>> ListAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>Every rule of the registry (at most <see cref="PullThroughCacheRule.MaxRules"/>), for matching pulls.</summary>
    ValueTask<IReadOnlyList<PullThroughCacheRule>> ListAllAsync(CancellationToken cancellationToken);
}
