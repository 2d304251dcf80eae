using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Registries;

namespace Berth.Core.Repositories;

/// <summary>
/// Repository creation templates: create, describe, update, delete, and the template a push into a missing repository
/// is created from (CREATE_ON_PUSH). ECR's rules beyond the service model are checked here.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
/// </summary>
public sealed class RepositoryCreationTemplateService(IRepositoryCreationTemplateStore store, RegistryIdentity registry, LifecycleSettings lifecycle, TimeProvider time)
{
    /// <summary>Stores a new template; throws TemplateAlreadyExistsException when its prefix is taken.</summary>
    public async ValueTask<RepositoryCreationTemplate> CreateAsync(RepositoryCreationTemplate template, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        template = Validate(template) with { CreatedAt = now, UpdatedAt = now };
        if (!await store.CreateAsync(template, cancellationToken).ConfigureAwait(false))
        {
            throw new RegistryException(EcrErrors.TemplateAlreadyExists,
                $"The repository creation template with prefix '{template.Prefix}' already exists in the registry with id '{registry.AccountId}'");
        }

        return template;
    }

    /// <summary>Applies <paramref name="change"/> to the template; throws TemplateNotFoundException when there is none.</summary>
    public async ValueTask<RepositoryCreationTemplate> UpdateAsync(
        string prefix, Func<RepositoryCreationTemplate, RepositoryCreationTemplate> change, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(prefix, cancellationToken).ConfigureAwait(false);
        var updated = Validate(change(existing)) with { Prefix = existing.Prefix, CreatedAt = existing.CreatedAt, UpdatedAt = time.GetUtcNow() };
        if (!await store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false))
        {
            throw Missing(prefix);
        }

        return updated;
    }

    /// <summary>Deletes the template and returns it; throws TemplateNotFoundException when there is none.</summary>
    public async ValueTask<RepositoryCreationTemplate> DeleteAsync(string prefix, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(prefix, cancellationToken).ConfigureAwait(false);
        return await store.DeleteAsync(prefix, cancellationToken).ConfigureAwait(false) ? existing : throw Missing(prefix);
    }

    /// <summary>
    /// One page of templates in prefix order. With <paramref name="prefixes"/>, only those templates (prefixes that
    /// have none are left out, as ECR does); otherwise all of them.
    /// </summary>
    public async ValueTask<Page<RepositoryCreationTemplate>> DescribeAsync(IReadOnlyList<string>? prefixes, PageRequest page, CancellationToken cancellationToken)
    {
        if (prefixes is null)
        {
            return await store.ListAsync(page, cancellationToken).ConfigureAwait(false);
        }

        var found = new List<RepositoryCreationTemplate>();
        foreach (var prefix in prefixes.Distinct(StringComparer.Ordinal).Where(p => page.After is null || string.CompareOrdinal(p, page.After) > 0))
        {
            if (await store.FindAsync(prefix, cancellationToken).ConfigureAwait(false) is { } template)
            {
                found.Add(template);
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Prefix, b.Prefix));
        return new Page<RepositoryCreationTemplate>(found.Take(page.Limit).ToList(), found.Count > page.Limit);
    }

    /// <summary>
    /// The template a push into the missing repository <paramref name="repository"/> creates it from: among the
    /// templates applied for CREATE_ON_PUSH, the one with the longest matching prefix, else ROOT; null when none matches.
    /// </summary>
    public ValueTask<RepositoryCreationTemplate?> FindForCreateOnPushAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        FindAppliedForAsync(repository, RepositoryCreationTemplate.CreateOnPush, cancellationToken);

    /// <summary>
    /// The template among those whose appliedFor includes <paramref name="appliedFor"/> (CREATE_ON_PUSH, REPLICATION)
    /// with the longest prefix matching <paramref name="repository"/>, else ROOT; null when none matches.
    /// </summary>
    public async ValueTask<RepositoryCreationTemplate?> FindAppliedForAsync(RepositoryName repository, string appliedFor, CancellationToken cancellationToken)
    {
        foreach (var prefix in RepositoryCreationTemplate.CandidatePrefixes(repository.Value))
        {
            var template = await store.FindAsync(prefix, cancellationToken).ConfigureAwait(false);
            if (template is not null && template.AppliedFor.Contains(appliedFor, StringComparer.Ordinal))
            {
                return template;
            }
        }

        return null;
    }

    private async ValueTask<RepositoryCreationTemplate> GetAsync(string prefix, CancellationToken cancellationToken) =>
        await store.FindAsync(prefix, cancellationToken).ConfigureAwait(false) ?? throw Missing(prefix);

    private RegistryException Missing(string prefix) =>
        new(EcrErrors.TemplateNotFound, $"The repository creation template with prefix '{prefix}' does not exist in the registry with id '{registry.AccountId}'");

    private RepositoryCreationTemplate Validate(RepositoryCreationTemplate template)
    {
        var withExclusions = template.ImageTagMutability is "MUTABLE_WITH_EXCLUSION" or "IMMUTABLE_WITH_EXCLUSION";
        if (template.MutabilityExclusions.Count > 0 && !withExclusions)
        {
            throw Invalid("imageTagMutabilityExclusionFilters", "exclusion filters can only be used with MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION");
        }

        if (template.MutabilityExclusions.Count == 0 && withExclusions)
        {
            throw Invalid("imageTagMutabilityExclusionFilters", $"{template.ImageTagMutability} requires at least one exclusion filter");
        }

        var kmsKey = string.IsNullOrEmpty(template.KmsKey) ? null : template.KmsKey;
        if (template.EncryptionType == "AES256" && kmsKey is not null)
        {
            throw Invalid("encryptionConfiguration", "kmsKey can only be specified with KMS encryption");
        }

        if (template.AppliedFor.Count == 0)
        {
            throw Invalid("appliedFor", "Member must have at least 1 element");
        }

        if (template.CustomRoleArn is { Length: > 0 } role && !role.StartsWith($"arn:aws:iam::{registry.AccountId}:role/", StringComparison.Ordinal))
        {
            throw Invalid("customRoleArn", $"The role must be an IAM role in the account {registry.AccountId}");
        }

        RepositoryService.ValidateTags(template.ResourceTags);
        RequireResourcePolicy(template.RepositoryPolicy);
        // The policy becomes a repository's lifecycle policy when the template creates one: PutLifecyclePolicy's checks.
        if (!string.IsNullOrEmpty(template.LifecyclePolicy))
        {
            _ = LifecyclePolicy.Parse(template.LifecyclePolicy, lifecycle.AllowExpireSinceImagePulled);
        }

        return template with
        {
            KmsKey = kmsKey,
            AppliedFor = template.AppliedFor.Distinct(StringComparer.Ordinal).ToList(),
            CustomRoleArn = string.IsNullOrEmpty(template.CustomRoleArn) ? null : template.CustomRoleArn,
            RepositoryPolicy = string.IsNullOrEmpty(template.RepositoryPolicy) ? null : template.RepositoryPolicy,
            LifecyclePolicy = string.IsNullOrEmpty(template.LifecyclePolicy) ? null : template.LifecyclePolicy,
        };
    }

    // The policy becomes a repository's policy when the template creates one, so it must pass what SetRepositoryPolicy checks.
    private static void RequireResourcePolicy(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        try
        {
            _ = PolicyDocument.Parse(text, PolicyDocumentKind.Resource);
        }
        catch (MalformedPolicyDocumentException)
        {
            throw Invalid("repositoryPolicy", "Invalid repository policy provided");
        }
    }

    private static RegistryException Invalid(string member, string constraint) =>
        new(EcrErrors.InvalidParameter, $"Invalid parameter at '{member}' failed to satisfy constraint: '{constraint}'");
}
