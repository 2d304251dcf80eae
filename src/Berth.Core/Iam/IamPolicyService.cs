using Berth.Core.Paging;

namespace Berth.Core.Iam;

/// <summary>
/// Inline policies of users, groups and roles, customer managed policies with their versions, and attachments of
/// customer or AWS managed policies, with IAM's quotas and errors. Every document is validated before it is stored.
/// </summary>
public sealed class IamPolicyService(IIamEntityStore entities, IManagedPolicyStore policies, AwsManagedPolicyCatalog awsPolicies, TimeProvider time)
{
    public const int MaxVersions = 5;
    public const int MaxAttachedPolicies = 10;

    public async ValueTask PutInlineAsync(IamEntity entity, string policyName, string document, CancellationToken cancellationToken)
    {
        PolicyDocuments.ValidateInlinePolicy(document);
        var others = await entities.ListInlinePoliciesAsync(entity, cancellationToken).ConfigureAwait(false);
        var total = PolicyDocuments.Size(document) + others.Where(p => !string.Equals(p.Name, policyName, StringComparison.OrdinalIgnoreCase)).Sum(p => PolicyDocuments.Size(p.Document));
        var quota = entity.Kind switch { IamEntityKind.User => 2048, IamEntityKind.Group => 5120, _ => 10240 };
        if (total > quota)
        {
            throw IamException.LimitExceeded($"Maximum policy size of {quota} bytes exceeded for {IamEntity.KindWord(entity.Kind)} {entity.Name}");
        }

        await entities.PutInlinePolicyAsync(entity, policyName, document, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<(string Name, string Document)> GetInlineAsync(IamEntity entity, string policyName, CancellationToken cancellationToken) =>
        await entities.FindInlinePolicyAsync(entity, policyName, cancellationToken).ConfigureAwait(false) ?? throw NoSuchInline(entity, policyName);

    public async ValueTask DeleteInlineAsync(IamEntity entity, string policyName, CancellationToken cancellationToken)
    {
        if (!await entities.DeleteInlinePolicyAsync(entity, policyName, cancellationToken).ConfigureAwait(false))
        {
            throw NoSuchInline(entity, policyName);
        }
    }

    public async ValueTask<ManagedPolicy> CreateAsync(string accountId, string name, string? path, string document, string? description, CancellationToken cancellationToken)
    {
        PolicyDocuments.ValidateManagedPolicy(document);
        CheckManagedSize(document);
        var now = time.GetUtcNow();
        path ??= "/";
        var policy = new ManagedPolicy(ManagedPolicy.FormArn(accountId, path, name), name, IamIds.PolicyId(), path, "v1", description, now, now, 0);
        if (!await policies.CreateAsync(accountId, policy, document, cancellationToken).ConfigureAwait(false))
        {
            throw IamException.AlreadyExists($"A policy called {name} already exists. Duplicate names are not allowed.");
        }

        return policy;
    }

    /// <summary>A customer managed policy of the caller's account or an AWS managed policy; NoSuchEntity otherwise.</summary>
    public async ValueTask<ManagedPolicy> GetAsync(string accountId, string arn, CancellationToken cancellationToken) =>
        await FindAsync(accountId, arn, cancellationToken).ConfigureAwait(false) ?? throw IamException.NoSuchEntity($"Policy {arn} was not found.");

    public async ValueTask<Page<ManagedPolicy>> ListAsync(string accountId, string scope, string? pathPrefix, bool onlyAttached, PageRequest page, CancellationToken cancellationToken)
    {
        // One ordering across both scopes: AWS managed policies (by name) first, then the account's, behind one marker.
        pathPrefix ??= "/";
        var items = new List<ManagedPolicy>();
        if (scope is "All" or "AWS")
        {
            foreach (var aws in awsPolicies.All.Where(p => p.Path.StartsWith(pathPrefix, StringComparison.Ordinal)))
            {
                var key = "0" + aws.Name;
                if (page.After is not null && string.CompareOrdinal(key, page.After) <= 0)
                {
                    continue;
                }

                var policy = ToManaged(aws, await policies.CountAttachmentsAsync(accountId, aws.Arn, cancellationToken).ConfigureAwait(false));
                if (!onlyAttached || policy.AttachmentCount > 0)
                {
                    items.Add(policy);
                }

                if (items.Count > page.Limit)
                {
                    return new Page<ManagedPolicy>(items[..page.Limit], true);
                }
            }
        }

        if (scope is "All" or "Local")
        {
            var after = page.After is { Length: > 0 } a && a[0] == '1' ? a[1..] : null;
            var local = await policies.ListAsync(accountId, pathPrefix, onlyAttached, new PageRequest(page.Limit + 1 - items.Count, after), cancellationToken).ConfigureAwait(false);
            items.AddRange(local.Items);
            if (local.HasMore || items.Count > page.Limit)
            {
                return new Page<ManagedPolicy>(items[..Math.Min(page.Limit, items.Count)], true);
            }
        }

        return new Page<ManagedPolicy>(items, false);
    }

    /// <summary>The paging key of a policy in <see cref="ListAsync"/>'s order.</summary>
    public static string PageKey(ManagedPolicy policy) => (policy.IsAwsManaged ? "0" : "1") + policy.Name;

    public async ValueTask DeleteAsync(string accountId, string arn, CancellationToken cancellationToken)
    {
        var policy = await GetAsync(accountId, arn, cancellationToken).ConfigureAwait(false);
        if (policy.IsAwsManaged)
        {
            throw IamException.InvalidInput($"Cannot delete policy {arn}: AWS managed policies cannot be deleted.");
        }

        switch (await policies.DeleteAsync(arn, cancellationToken).ConfigureAwait(false))
        {
            case IamDeleteOutcome.IsAttached:
                throw IamException.DeleteConflict("Cannot delete a policy attached to entities.");
            case IamDeleteOutcome.HasVersions:
                throw IamException.DeleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
            case IamDeleteOutcome.NotFound:
                throw IamException.NoSuchEntity($"Policy {arn} was not found.");
        }
    }

    public async ValueTask<PolicyVersion> CreateVersionAsync(string accountId, string arn, string document, bool setAsDefault, CancellationToken cancellationToken)
    {
        var policy = await GetCustomerAsync(accountId, arn, cancellationToken).ConfigureAwait(false);
        PolicyDocuments.ValidateManagedPolicy(document);
        CheckManagedSize(document);
        var now = time.GetUtcNow();
        var versionId = await policies.AddVersionAsync(policy.Arn, document, setAsDefault, MaxVersions, now, cancellationToken).ConfigureAwait(false)
            ?? throw IamException.LimitExceeded($"A managed policy can have up to {MaxVersions} versions. Before you create a new version, you must delete an existing version.");
        return new PolicyVersion(versionId, document, setAsDefault, now);
    }

    public async ValueTask<PolicyVersion> GetVersionAsync(string accountId, string arn, string versionId, CancellationToken cancellationToken)
    {
        var policy = await GetAsync(accountId, arn, cancellationToken).ConfigureAwait(false);
        if (policy.IsAwsManaged)
        {
            var aws = awsPolicies.Find(arn)!;
            return aws.VersionId == versionId ? new PolicyVersion(aws.VersionId, aws.Document, true, aws.UpdatedAt) : throw NoSuchVersion(arn, versionId);
        }

        return await policies.FindVersionAsync(arn, versionId, cancellationToken).ConfigureAwait(false) ?? throw NoSuchVersion(arn, versionId);
    }

    public async ValueTask<IReadOnlyList<PolicyVersion>> ListVersionsAsync(string accountId, string arn, CancellationToken cancellationToken)
    {
        var policy = await GetAsync(accountId, arn, cancellationToken).ConfigureAwait(false);
        if (awsPolicies.Find(policy.Arn) is { } aws)
        {
            return [new PolicyVersion(aws.VersionId, aws.Document, true, aws.UpdatedAt)];
        }

        return await policies.ListVersionsAsync(arn, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeleteVersionAsync(string accountId, string arn, string versionId, CancellationToken cancellationToken)
    {
        await GetCustomerAsync(accountId, arn, cancellationToken).ConfigureAwait(false);
        switch (await policies.DeleteVersionAsync(arn, versionId, cancellationToken).ConfigureAwait(false))
        {
            case IamDeleteOutcome.IsDefaultVersion:
                throw IamException.DeleteConflict("Cannot delete the default version of a policy.");
            case IamDeleteOutcome.NotFound:
                throw NoSuchVersion(arn, versionId);
        }
    }

    public async ValueTask AttachAsync(IamEntity entity, string arn, CancellationToken cancellationToken)
    {
        if (await FindAsync(entity.AccountId, arn, cancellationToken).ConfigureAwait(false) is null)
        {
            throw IamException.NoSuchEntity($"Policy {arn} does not exist or is not attachable.");
        }

        if (!await policies.AttachAsync(entity, arn, MaxAttachedPolicies, cancellationToken).ConfigureAwait(false))
        {
            var kind = entity.Kind switch { IamEntityKind.User => "User", IamEntityKind.Group => "Group", _ => "Role" };
            throw IamException.LimitExceeded($"Cannot exceed quota for PoliciesPer{kind}: {MaxAttachedPolicies}");
        }
    }

    public async ValueTask DetachAsync(IamEntity entity, string arn, CancellationToken cancellationToken)
    {
        if (!await policies.DetachAsync(entity, arn, cancellationToken).ConfigureAwait(false))
        {
            throw IamException.NoSuchEntity($"Policy {arn} was not found.");
        }
    }

    /// <summary>The managed policies attached to the entity (name and ARN), by ARN.</summary>
    public async ValueTask<IReadOnlyList<(string Name, string Arn)>> ListAttachedAsync(IamEntity entity, CancellationToken cancellationToken) =>
        [.. (await policies.ListAttachedAsync(entity, cancellationToken).ConfigureAwait(false)).Select(arn => (arn[(arn.LastIndexOf('/') + 1)..], arn))];

    /// <summary>The default version's document of an attached managed policy, or null when it no longer exists.</summary>
    public async ValueTask<string?> FindDefaultDocumentAsync(string arn, CancellationToken cancellationToken)
    {
        if (awsPolicies.Find(arn) is { } aws)
        {
            return aws.Document;
        }

        var policy = await policies.FindAsync(arn, cancellationToken).ConfigureAwait(false);
        return policy is null ? null : (await policies.FindVersionAsync(arn, policy.DefaultVersionId, cancellationToken).ConfigureAwait(false))?.Document;
    }

    private async ValueTask<ManagedPolicy?> FindAsync(string accountId, string arn, CancellationToken cancellationToken)
    {
        if (awsPolicies.Find(arn) is { } aws)
        {
            return ToManaged(aws, await policies.CountAttachmentsAsync(accountId, arn, cancellationToken).ConfigureAwait(false));
        }

        return arn.StartsWith($"arn:aws:iam::{accountId}:policy/", StringComparison.Ordinal)
            ? await policies.FindAsync(arn, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private async ValueTask<ManagedPolicy> GetCustomerAsync(string accountId, string arn, CancellationToken cancellationToken)
    {
        var policy = await GetAsync(accountId, arn, cancellationToken).ConfigureAwait(false);
        return policy.IsAwsManaged ? throw IamException.InvalidInput($"Policy {arn} is an AWS managed policy and cannot be changed.") : policy;
    }

    private static void CheckManagedSize(string document)
    {
        if (PolicyDocuments.Size(document) > PolicyDocuments.MaxManagedPolicySize)
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for PolicySize: {PolicyDocuments.MaxManagedPolicySize}");
        }
    }

    private static ManagedPolicy ToManaged(AwsManagedPolicy aws, int attachments) =>
        new(aws.Arn, aws.Name, aws.Id, aws.Path, aws.VersionId, aws.Description, aws.CreatedAt, aws.UpdatedAt, attachments);

    private static IamException NoSuchInline(IamEntity entity, string policyName) =>
        IamException.NoSuchEntity($"The {IamEntity.KindWord(entity.Kind)} policy with name {policyName} cannot be found.");

    private static IamException NoSuchVersion(string arn, string versionId) =>
        IamException.NoSuchEntity($"Policy {arn} version {versionId} does not exist or is not attachable.");
}
