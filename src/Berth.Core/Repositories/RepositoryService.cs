using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Registries;

namespace Berth.Core.Repositories;

/// <summary>Repository use cases shared by both faces: create, describe, delete, settings, resource tags, push admission.</summary>
public sealed class RepositoryService(
    IRepositoryStore store, RegistryIdentity registry, RepositoryPushPolicy pushPolicy, RepositoryCreationTemplateService templates, ILifecycleStore lifecycle,
    PullThroughCache.IPullThroughCacheRuleStore pullThroughCacheRules, PullThroughCache.PullThroughCacheRuleCache pullThroughCacheRuleCache, TimeProvider time)
{
    /// <summary>The most resource tags a repository carries (ECR quota).</summary>
    public const int MaxResourceTags = 50;

    public RegistryIdentity Registry => registry;

    /// <summary>
    /// Admits a push into <paramref name="name"/>. A missing repository is created from the CREATE_ON_PUSH template with
    /// the longest matching prefix (its mutability, exclusion filters, encryption and resource tags), or with the
    /// default settings when <see cref="RepositoryPushPolicy.CreateRepositoryOnPush"/> stands in for a ROOT template. The
    /// template's repository policy and lifecycle policy become the repository's.
    /// Otherwise throws RepositoryNotFoundException / NAME_UNKNOWN with ECR's message. Concurrent pushes are safe: the
    /// first creation wins and the others find the repository.
    /// </summary>
    public async ValueTask EnsureForPushAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        if (PullThroughCache.PullThroughCacheRule.Match(await pullThroughCacheRuleCache.ListAsync(pullThroughCacheRules, registry, cancellationToken).ConfigureAwait(false), name.Value) is { } rule)
        {
            // Berth's choice (ECR accepts such pushes): a cache repository holds what its upstream holds, nothing else.
            throw new RegistryException(PullThroughCache.PullThroughCacheErrors.PushIntoCache,
                $"The repository '{name}' is filled by the pull through cache rule with prefix '{rule.EcrRepositoryPrefix}' and does not accept pushes");
        }

        if (await store.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var template = await templates.FindForCreateOnPushAsync(name, cancellationToken).ConfigureAwait(false);
        if (template is null && !pushPolicy.CreateRepositoryOnPush)
        {
            throw EcrErrors.RepositoryMissing(name.Value, registry.AccountId);
        }

        // The template's repository policy is created with the repository, in one transaction: a pushed repository is
        // never reachable without the access rules its template gives it. Its lifecycle policy follows right after (by
        // the creating push only): until then nothing is old enough to expire.
        var created = await store.CreateAsync(
            name, template?.ToSettings() ?? RepositorySettings.Default, template?.ResourceTags ?? [], template?.RepositoryPolicy, time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        if (created && template?.LifecyclePolicy is { Length: > 0 } lifecyclePolicy)
        {
            await lifecycle.SetPolicyAsync(name, lifecyclePolicy, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates <paramref name="name"/> for a replicated image unless it exists: with the settings, resource tags and
    /// repository policy of the template applied for REPLICATION with the longest matching prefix, else with ECR's
    /// defaults (tag immutability, scanning and KMS off). A concurrent creation is not an error.
    /// See https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
    /// </summary>
    public async ValueTask EnsureForReplicationAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        var template = await templates.FindAppliedForAsync(name, RepositoryCreationTemplate.Replication, cancellationToken).ConfigureAwait(false);
        var created = await store.CreateAsync(
            name, template?.ToSettings() ?? RepositorySettings.Default, template?.ResourceTags ?? [], template?.RepositoryPolicy, time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        if (created && template?.LifecyclePolicy is { Length: > 0 } lifecyclePolicy)
        {
            await lifecycle.SetPolicyAsync(name, lifecyclePolicy, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates <paramref name="name"/> for a pull through cache's first pull unless it exists: with the settings,
    /// resource tags and policies of the template applied for PULL_THROUGH_CACHE with the longest matching prefix, else
    /// with ECR's defaults (tag immutability and KMS off). A concurrent creation is not an error.
    /// See https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
    /// </summary>
    public async ValueTask EnsureForPullThroughCacheAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        var template = await templates.FindAppliedForAsync(name, RepositoryCreationTemplate.PullThroughCache, cancellationToken).ConfigureAwait(false);
        var created = await store.CreateAsync(
            name, template?.ToSettings() ?? RepositorySettings.Default, template?.ResourceTags ?? [], template?.RepositoryPolicy, time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        if (created && template?.LifecyclePolicy is { Length: > 0 } lifecyclePolicy)
        {
            await lifecycle.SetPolicyAsync(name, lifecyclePolicy, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<Repository> CreateAsync(
        RepositoryName name, RepositorySettings settings, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken)
    {
        ValidateTags(tags);
        if (!await store.CreateAsync(name, settings, tags, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new RegistryException(EcrErrors.RepositoryAlreadyExists,
                $"The repository with name '{name}' already exists in the registry with id '{registry.AccountId}'");
        }

        return await GetAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The repository, or null when it does not exist.</summary>
    public ValueTask<Repository?> FindAsync(RepositoryName name, CancellationToken cancellationToken) => store.FindAsync(name, cancellationToken);

    /// <summary>Throws RepositoryNotFoundException when it does not exist.</summary>
    public async ValueTask<Repository> GetAsync(RepositoryName name, CancellationToken cancellationToken) =>
        await store.FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw EcrErrors.RepositoryMissing(name.Value, registry.AccountId);

    public async ValueTask<Repository> DeleteAsync(RepositoryName name, bool force, CancellationToken cancellationToken)
    {
        var repository = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        var result = await store.DeleteAsync(name, force, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            RepositoryDeletion.Deleted => repository,
            RepositoryDeletion.NotEmpty => throw new RegistryException(EcrErrors.RepositoryNotEmpty,
                $"The repository with name '{name}' in registry with id '{registry.AccountId}' cannot be deleted because it still contains images"),
            _ => throw EcrErrors.RepositoryMissing(name.Value, registry.AccountId),
        };
    }

    /// <summary>Applies <paramref name="change"/> to the repository's settings and returns the updated repository.</summary>
    public async ValueTask<Repository> UpdateSettingsAsync(RepositoryName name, Func<RepositorySettings, RepositorySettings> change, CancellationToken cancellationToken)
    {
        var repository = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        var settings = change(repository.Settings);
        if (!await store.UpdateSettingsAsync(name, settings, cancellationToken).ConfigureAwait(false))
        {
            throw EcrErrors.RepositoryMissing(name.Value, registry.AccountId);
        }

        return repository with { Settings = settings };
    }

    public async ValueTask<Page<string>> ListNamesAsync(PageRequest page, CancellationToken cancellationToken)
    {
        var repositories = await store.ListAsync(page, cancellationToken).ConfigureAwait(false);
        return new Page<string>([.. repositories.Items.Select(r => r.Name)], repositories.HasMore);
    }

    /// <summary>A page of repositories in name order, read in one query.</summary>
    public ValueTask<Page<Repository>> ListAsync(PageRequest page, CancellationToken cancellationToken) => store.ListAsync(page, cancellationToken);

    public async ValueTask<IReadOnlyList<KeyValuePair<string, string>>> GetTagsAsync(RepositoryName name, CancellationToken cancellationToken) =>
        await store.GetTagsAsync(name, cancellationToken).ConfigureAwait(false) ?? throw EcrErrors.RepositoryMissing(name.Value, registry.AccountId);

    public async ValueTask TagAsync(RepositoryName name, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken)
    {
        ValidateTags(tags);
        var existing = await GetTagsAsync(name, cancellationToken).ConfigureAwait(false);
        var keys = existing.Select(t => t.Key).Union(tags.Select(t => t.Key), StringComparer.Ordinal).Count();
        if (keys > MaxResourceTags)
        {
            throw new RegistryException(EcrErrors.TooManyTags, $"The repository can have at most {MaxResourceTags} tags.");
        }

        await store.UpdateTagsAsync(name, tags, [], cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask UntagAsync(RepositoryName name, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (!await store.UpdateTagsAsync(name, [], keys, cancellationToken).ConfigureAwait(false))
        {
            throw EcrErrors.RepositoryMissing(name.Value, registry.AccountId);
        }
    }

    /// <summary>
    /// Stores a repository policy after checking it as a resource-based policy; an invalid one is refused with ECR's
    /// InvalidParameterException and nothing is stored.
    /// </summary>
    public async ValueTask SetPolicyAsync(RepositoryName name, string policyText, CancellationToken cancellationToken)
    {
        ValidatePolicy(policyText);
        if (!await store.SetPolicyAsync(name, policyText, cancellationToken).ConfigureAwait(false))
        {
            throw EcrErrors.RepositoryMissing(name.Value, registry.AccountId);
        }
    }

    /// <summary>Throws ECR's InvalidParameterException unless <paramref name="policyText"/> is a repository policy ECR accepts (<see cref="RepositoryPolicyText"/>).</summary>
    public static void ValidatePolicy(string policyText) => RepositoryPolicyText.Validate(policyText);

    /// <summary>The repository's policy text; RepositoryNotFound / RepositoryPolicyNotFound when there is none.</summary>
    public async ValueTask<string> GetPolicyAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        var lookup = await store.GetPolicyAsync(name, cancellationToken).ConfigureAwait(false) ?? throw EcrErrors.RepositoryMissing(name.Value, registry.AccountId);
        return lookup.PolicyText ?? throw new RegistryException(EcrErrors.RepositoryPolicyNotFound,
            $"Repository policy does not exist for the repository with name '{name}' in the registry with id '{registry.AccountId}'");
    }

    /// <summary>Removes the repository's policy and returns the text it had.</summary>
    public async ValueTask<string> DeletePolicyAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        var text = await GetPolicyAsync(name, cancellationToken).ConfigureAwait(false);
        await store.SetPolicyAsync(name, null, cancellationToken).ConfigureAwait(false);
        return text;
    }

    /// <summary>ECR's resource tag rules: at most 50, keys 1–128 characters not starting with aws:, values up to 256.</summary>
    internal static void ValidateTags(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (tags.Count > MaxResourceTags)
        {
            throw new RegistryException(EcrErrors.TooManyTags, $"The repository can have at most {MaxResourceTags} tags.");
        }

        foreach (var (key, value) in tags)
        {
            if (key.Length is < 1 or > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw new RegistryException(EcrErrors.InvalidTagParameter, $"Invalid tag key '{key}': keys are 1 to 128 characters and may not start with 'aws:'.");
            }

            if (value.Length > 256)
            {
                throw new RegistryException(EcrErrors.InvalidTagParameter, $"Invalid tag value for key '{key}': values are at most 256 characters.");
            }
        }
    }
}
