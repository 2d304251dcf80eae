using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Naming;

namespace Berth.Core.Registries;

/// <summary>
/// ECR's authorization, evaluated as AWS evaluates it (<see cref="PolicyEvaluator"/>): the caller's identity policies
/// (none for an account root, which may do anything in its own account), the repository policy when the resource is a
/// repository of this registry, the registry policy when its scope governs the action (REGISTRY_POLICY_SCOPE V2: every
/// ECR action; V1: replication, pull through cache and repository creation only), the request's keys, and the repository's resource tags as aws:ResourceTag/* and
/// ecr:ResourceTag/* (read only when some policy mentions ResourceTag). Same account: an identity or repository policy
/// Allow suffices; across accounts both must allow; an explicit Deny anywhere wins. Built per request scope: the
/// repository store is the one of the request's registry, which is <paramref name="repositories"/>'s.
/// </summary>
public sealed class RegistryAuthorizer(
    IdentityPolicies identityPolicies, PolicyEvaluator evaluator, PolicyDocumentCache documents, IRepositoryStore repositories,
    IRegistryPolicyStore registryPolicies, RegistryPolicyService registryPolicyService) : IRegistryAuthorizer
{
    public async ValueTask AuthorizeAsync(Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(principal, registry, action, resourceArn, context, null, cancellationToken).ConfigureAwait(false);
        if (!result.IsAllowed)
        {
            throw new RegistryException(EcrErrors.AccessDenied, result.Message!);
        }
    }

    public async ValueTask<bool> WouldAllowAsync(
        Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, string repositoryPolicy, CancellationToken cancellationToken) =>
        (await EvaluateAsync(principal, registry, action, resourceArn, context, repositoryPolicy, cancellationToken).ConfigureAwait(false)).IsAllowed;

    private async ValueTask<AuthorizationResult> EvaluateAsync(
        Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, string? repositoryPolicy, CancellationToken cancellationToken)
    {
        var repository = RepositoryOf(registry, resourceArn);
        var policyText = repository is null ? null
            : repositoryPolicy ?? (await repositories.GetPolicyAsync(repository, cancellationToken).ConfigureAwait(false))?.PolicyText;
        var registryPolicyText = await registryPolicies.FindAsync(registry, cancellationToken).ConfigureAwait(false);
        if (registryPolicyText is not null
            && !RegistryPolicyService.Governs(action, await registryPolicyService.IsScopeV2Async(cancellationToken).ConfigureAwait(false)))
        {
            registryPolicyText = null;
        }

        var sameAccount = principal.AccountId == registry.AccountId;
        if (principal.Kind == PrincipalKind.Root && sameAccount && policyText is null && registryPolicyText is null)
        {
            // The hot path of a registry used with its root key: nothing could deny it.
            return AuthorizationResult.Allowed;
        }

        var identityTexts = principal.Kind == PrincipalKind.Root
            ? []
            : await identityPolicies.GetDocumentsAsync(principal, cancellationToken).ConfigureAwait(false);
        var identity = new PolicyDocument[identityTexts.Count];
        for (var i = 0; i < identity.Length; i++)
        {
            identity[i] = documents.Get(identityTexts[i], PolicyDocumentKind.Identity);
        }

        var resourcePolicy = policyText is null ? null : documents.Get(policyText, PolicyDocumentKind.Resource);
        var registryPolicy = registryPolicyText is null ? null : documents.Get(registryPolicyText, PolicyDocumentKind.Resource);
        var keys = context;
        if (repository is not null && (MentionsResourceTags(policyText) || MentionsResourceTags(registryPolicyText) || identityTexts.Any(MentionsResourceTags))
            && await repositories.GetTagsAsync(repository, cancellationToken).ConfigureAwait(false) is { Count: > 0 } tags)
        {
            keys = new RequestContext(context).SetResourceTags(tags);
        }

        return evaluator.Evaluate(new AuthorizationRequest(principal.ToRequestPrincipal(), action, resourceArn, registry.AccountId, keys, identity, resourcePolicy, registryPolicy));
    }

    /// <summary>The repository <paramref name="resourceArn"/> names in this registry, or null (<c>*</c>, another registry).</summary>
    private static RepositoryName? RepositoryOf(RegistryIdentity registry, string resourceArn)
    {
        var prefix = registry.RepositoryArn(string.Empty);
        return resourceArn.StartsWith(prefix, StringComparison.Ordinal) && RepositoryName.TryParse(resourceArn[prefix.Length..], out var name) ? name : null;
    }

    private static bool MentionsResourceTags(string? text) => text is not null && text.Contains("ResourceTag", StringComparison.OrdinalIgnoreCase);
}
