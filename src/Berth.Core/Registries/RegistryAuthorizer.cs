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
/// repository of this registry, the request's keys, and the repository's resource tags as aws:ResourceTag/* and
/// ecr:ResourceTag/* (read only when some policy mentions ResourceTag). Same account: an identity or repository policy
/// Allow suffices; across accounts both must allow; an explicit Deny anywhere wins. Built per request scope: the
/// repository store is the one of the request's registry, which is <paramref name="repositories"/>'s. What it reads
/// from the store is reused for at most a second (<see cref="RegistryAuthorizationCache"/>); the evaluation itself
/// runs for every request.
/// </summary>
public sealed class RegistryAuthorizer(
    IdentityPolicies identityPolicies, PolicyEvaluator evaluator, PolicyDocumentCache documents, IRepositoryStore repositories,
    RegistryAuthorizationCache cache) : IRegistryAuthorizer
{
    public async ValueTask AuthorizeAsync(Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, CancellationToken cancellationToken)
    {
        var repository = RepositoryOf(registry, resourceArn);
        var repositoryKey = repository is null ? default : new RegistryAuthorizationCache.RepositoryKey(registry.AccountId, registry.Region, repository.Value);
        var policyText = repository is null ? null : await PolicyTextAsync(repository, repositoryKey, cancellationToken).ConfigureAwait(false);
        var sameAccount = principal.AccountId == registry.AccountId;
        if (principal.Kind == PrincipalKind.Root && sameAccount && policyText is null)
        {
            // The hot path of a registry used with its root key: nothing could deny it.
            return;
        }

        var identityTexts = principal.Kind == PrincipalKind.Root
            ? []
            : await IdentityDocumentsAsync(principal, cancellationToken).ConfigureAwait(false);
        var identity = new PolicyDocument[identityTexts.Count];
        for (var i = 0; i < identity.Length; i++)
        {
            identity[i] = documents.Get(identityTexts[i], PolicyDocumentKind.Identity);
        }

        var resourcePolicy = policyText is null ? null : documents.Get(policyText, PolicyDocumentKind.Resource);
        var keys = context;
        if (repository is not null && (MentionsResourceTags(policyText) || identityTexts.Any(MentionsResourceTags))
            && await TagsAsync(repository, repositoryKey, cancellationToken).ConfigureAwait(false) is { Count: > 0 } tags)
        {
            keys = new RequestContext(context).SetResourceTags(tags);
        }

        var result = evaluator.Evaluate(new AuthorizationRequest(principal.ToRequestPrincipal(), action, resourceArn, registry.AccountId, keys, identity, resourcePolicy));
        if (!result.IsAllowed)
        {
            throw new RegistryException(EcrErrors.AccessDenied, result.Message!);
        }
    }

    private async ValueTask<string?> PolicyTextAsync(RepositoryName repository, RegistryAuthorizationCache.RepositoryKey key, CancellationToken cancellationToken)
    {
        if (!cache.RepositoryPolicies.TryGet(key, out var text))
        {
            var start = cache.RepositoryPolicies.Begin();
            text = (await repositories.GetPolicyAsync(repository, cancellationToken).ConfigureAwait(false))?.PolicyText;
            cache.RepositoryPolicies.Set(key, text, start);
        }

        return text;
    }

    private async ValueTask<IReadOnlyList<KeyValuePair<string, string>>?> TagsAsync(RepositoryName repository, RegistryAuthorizationCache.RepositoryKey key, CancellationToken cancellationToken)
    {
        if (!cache.RepositoryTags.TryGet(key, out var tags))
        {
            var start = cache.RepositoryTags.Begin();
            tags = await repositories.GetTagsAsync(repository, cancellationToken).ConfigureAwait(false);
            cache.RepositoryTags.Set(key, tags, start);
        }

        return tags;
    }

    private async ValueTask<IReadOnlyList<string>> IdentityDocumentsAsync(Principal principal, CancellationToken cancellationToken)
    {
        var key = RegistryAuthorizationCache.IdentityKey.Of(principal);
        if (!cache.IdentityPolicies.TryGet(key, out var texts))
        {
            var start = cache.IdentityPolicies.Begin();
            texts = await identityPolicies.GetDocumentsAsync(principal, cancellationToken).ConfigureAwait(false);
            cache.IdentityPolicies.Set(key, texts, start);
        }

        return texts;
    }

    /// <summary>The repository <paramref name="resourceArn"/> names in this registry, or null (<c>*</c>, another registry).</summary>
    private static RepositoryName? RepositoryOf(RegistryIdentity registry, string resourceArn)
    {
        var prefix = registry.RepositoryArn(string.Empty);
        return resourceArn.StartsWith(prefix, StringComparison.Ordinal) && RepositoryName.TryParse(resourceArn[prefix.Length..], out var name) ? name : null;
    }

    private static bool MentionsResourceTags(string? text) => text is not null && text.Contains("ResourceTag", StringComparison.OrdinalIgnoreCase);
}
