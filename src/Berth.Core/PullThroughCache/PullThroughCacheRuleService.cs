using Berth.Core.Errors;
using Berth.Core.Paging;
using Berth.Core.Registries;
using Berth.Core.Secrets;

namespace Berth.Core.PullThroughCache;

/// <summary>
/// Pull through cache rules: create, describe, update, delete, the rule a repository name falls under, and the
/// upstream credential of a rule. ECR's rules beyond the service model are checked here: at most 50 rules, an upstream
/// ECR knows (or Berth's extension of any OCI registry URL), a credential where the upstream needs one, a secret of the
/// registry's own account and region that exists.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
/// </summary>
public sealed class PullThroughCacheRuleService(
    IPullThroughCacheRuleStore store, PullThroughCacheRuleCache cache, SecretService secrets, RegistryIdentity registry, TimeProvider time)
{
    public async ValueTask<PullThroughCacheRule> CreateAsync(
        string prefix, string url, string? kind, string? credentialArn, string? customRoleArn, string? upstreamPrefix, CancellationToken cancellationToken)
    {
        var upstream = UpstreamRegistryUrl.Parse(url, kind);
        if (customRoleArn is not null)
        {
            throw CustomRoleRefused(upstream);
        }

        if (upstream.RequiresCredential && credentialArn is null)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, $"Invalid parameter: upstream registry '{upstream.Kind}' requires a credentialArn");
        }

        if (credentialArn is not null)
        {
            await ReadCredentialAsync(credentialArn, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var rule = new PullThroughCacheRule(PullThroughCacheRule.Normalize(prefix), url, upstream.Kind, credentialArn, null,
            upstreamPrefix is null ? PullThroughCacheRule.Root : PullThroughCacheRule.Normalize(upstreamPrefix), now, now);
        return await store.CreateAsync(rule, PullThroughCacheRule.MaxRules, cancellationToken).ConfigureAwait(false) switch
        {
            RuleCreation.Created => rule,
            RuleCreation.AlreadyExists => throw new RegistryException(PullThroughCacheErrors.RuleAlreadyExists,
                $"The pull through cache rule with prefix '{rule.EcrRepositoryPrefix}' already exists in the registry with id '{registry.AccountId}'"),
            _ => throw new RegistryException(PullThroughCacheErrors.RuleLimitExceeded,
                $"The maximum number of pull through cache rules ({PullThroughCacheRule.MaxRules}) has been reached for the registry with id '{registry.AccountId}'"),
        };
    }

    /// <summary>Replaces the rule's credential; PullThroughCacheRuleNotFoundException when there is no rule.</summary>
    public async ValueTask<PullThroughCacheRule> UpdateAsync(string prefix, string? credentialArn, string? customRoleArn, CancellationToken cancellationToken)
    {
        var rule = await GetAsync(prefix, cancellationToken).ConfigureAwait(false);
        if (customRoleArn is not null)
        {
            throw CustomRoleRefused(UpstreamRegistryUrl.Parse(rule.UpstreamRegistryUrl, rule.UpstreamRegistry));
        }

        if (credentialArn is null)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter: at least one of credentialArn and customRoleArn must be given");
        }

        await ReadCredentialAsync(credentialArn, cancellationToken).ConfigureAwait(false);
        var updated = rule with { CredentialArn = credentialArn, UpdatedAt = time.GetUtcNow() };
        return await store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false) ? updated : throw Missing(prefix);
    }

    /// <summary>Deletes the rule and returns it; cached repositories stay (ECR: "it only stops future caching behavior").</summary>
    public async ValueTask<PullThroughCacheRule> DeleteAsync(string prefix, CancellationToken cancellationToken)
    {
        var rule = await GetAsync(prefix, cancellationToken).ConfigureAwait(false);
        return await store.DeleteAsync(rule.EcrRepositoryPrefix, cancellationToken).ConfigureAwait(false) ? rule : throw Missing(prefix);
    }

    /// <summary>The rule; PullThroughCacheRuleNotFoundException when there is none.</summary>
    public async ValueTask<PullThroughCacheRule> GetAsync(string prefix, CancellationToken cancellationToken) =>
        await store.FindAsync(PullThroughCacheRule.Normalize(prefix), cancellationToken).ConfigureAwait(false) ?? throw Missing(prefix);

    /// <summary>
    /// One page of rules in prefix order. With <paramref name="prefixes"/>, exactly those rules: a prefix that has none is
    /// PullThroughCacheRuleNotFoundException, as the model lists it for this operation.
    /// </summary>
    public async ValueTask<Page<PullThroughCacheRule>> DescribeAsync(IReadOnlyList<string>? prefixes, PageRequest page, CancellationToken cancellationToken)
    {
        if (prefixes is null)
        {
            return await store.ListAsync(page, cancellationToken).ConfigureAwait(false);
        }

        var found = new List<PullThroughCacheRule>();
        foreach (var prefix in prefixes.Select(PullThroughCacheRule.Normalize).Distinct(StringComparer.Ordinal))
        {
            var rule = await GetAsync(prefix, cancellationToken).ConfigureAwait(false);
            if (page.After is null || string.CompareOrdinal(rule.EcrRepositoryPrefix, page.After) > 0)
            {
                found.Add(rule);
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.EcrRepositoryPrefix, b.EcrRepositoryPrefix));
        return new Page<PullThroughCacheRule>(found.Take(page.Limit).ToList(), found.Count > page.Limit);
    }

    /// <summary>
    /// The rule whose prefix is the longest that <paramref name="repository"/> falls under (ROOT last), or null; from
    /// <see cref="PullThroughCacheRuleCache"/> (no store read while it is fresh).
    /// </summary>
    public async ValueTask<PullThroughCacheRule?> MatchAsync(string repository, CancellationToken cancellationToken)
    {
        var rules = await cache.ListAsync(store, registry, cancellationToken).ConfigureAwait(false);
        return PullThroughCacheRule.Match(rules, repository);
    }

    /// <summary>
    /// The credential the rule's secret holds. SecretNotFoundException when the secret does not exist;
    /// UnableToAccessSecretException when it is another account's or region's, or its deletion is scheduled.
    /// </summary>
    public async ValueTask<UpstreamCredential> ReadCredentialAsync(string credentialArn, CancellationToken cancellationToken)
    {
        var parts = credentialArn.Split(':', 7);
        if (parts.Length != 7 || parts[3] != registry.Region || parts[4] != registry.AccountId)
        {
            throw new RegistryException(PullThroughCacheErrors.UnableToAccessSecret,
                $"Unable to access the secret '{credentialArn}': it must be a secret of the registry's account '{registry.AccountId}' in {registry.Region}");
        }

        var secret = await secrets.FindAsync(credentialArn, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(PullThroughCacheErrors.SecretNotFound, $"The secret '{credentialArn}' was not found");
        if (secret.DeletionDate is not null)
        {
            throw new RegistryException(PullThroughCacheErrors.UnableToAccessSecret, $"Unable to access the secret '{credentialArn}': it is scheduled for deletion");
        }

        var (_, value) = await secrets.GetValueAsync(secret.Arn, null, null, cancellationToken).ConfigureAwait(false);
        return UpstreamCredential.Parse(value.Text);
    }

    /// <summary>
    /// customRoleArn is ECR's role to assume in the pulling account for an ecr upstream. Berth cannot assume a role
    /// that another registry trusts, so it refuses the member rather than accept and ignore it; an ecr upstream's
    /// access key comes from credentialArn instead (Berth's extension; the wording is Berth's).
    /// </summary>
    private static RegistryException CustomRoleRefused(UpstreamRegistryUrl upstream) => new(EcrErrors.InvalidParameter, upstream.Kind == UpstreamRegistryUrl.Ecr
        ? "Invalid parameter: customRoleArn is not supported by this registry, which cannot assume an IAM role for an upstream registry; "
            + "give a credentialArn whose secret holds an access key of the upstream (username: the access key ID, accessToken: the secret access key)"
        : "Invalid parameter: customRoleArn is only supported for an upstream registry of type 'ecr'");

    private RegistryException Missing(string prefix) =>
        new(PullThroughCacheErrors.RuleNotFound, $"The pull through cache rule with prefix '{PullThroughCacheRule.Normalize(prefix)}' does not exist in the registry with id '{registry.AccountId}'");
}
