using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.PolicySimulation;

namespace Berth.Core.Registries;

/// <summary>
/// ECR's authorization, evaluated as AWS evaluates it (<see cref="PolicyEvaluator"/>): the caller's identity policies
/// (none for an account root, which may do anything in its own account), the repository policy when the resource is a
/// repository of this registry, the registry policy when its scope governs the action (REGISTRY_POLICY_SCOPE V2: every
/// ECR action; V1: replication, pull through cache and repository creation only), the request's keys, and the repository's resource tags as aws:ResourceTag/* and
/// ecr:ResourceTag/* (read only when some policy mentions ResourceTag). Same account: an identity or repository policy
/// Allow suffices; across accounts both must allow; an explicit Deny anywhere wins. Built per request scope: the
/// repository store is the one of the request's registry, which is <paramref name="repositories"/>'s. What it reads
/// from the store is reused for at most a second (<see cref="RegistryAuthorizationCache"/>); the evaluation itself
/// runs for every request.
/// </summary>
public sealed class RegistryAuthorizer(
    IdentityPolicies identityPolicies, PolicyEvaluator evaluator, PolicyDocumentCache documents, IRepositoryStore repositories,
    IRegistryPolicyStore registryPolicies, RegistryPolicyService registryPolicyService, RegistryAuthorizationCache cache,
    PolicySimulator simulator) : IRegistryAuthorizer
{
    public async ValueTask AuthorizeAsync(Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(principal, registry, action, resourceArn, context, null, cancellationToken).ConfigureAwait(false);
        if (!result.IsAllowed)
        {
            throw new RegistryException(EcrErrors.AccessDenied, result.Message!);
        }
    }

    public async ValueTask<IReadOnlyList<bool>> AreAllowedAsync(
        Principal principal, RegistryIdentity registry, string action, IReadOnlyList<RepositoryName> names, RequestContext context, CancellationToken cancellationToken)
    {
        var policies = await repositories.GetPoliciesAsync(names, cancellationToken).ConfigureAwait(false);
        var allowed = new bool[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            // A repository gone since it was listed reads as one without a policy, as GetPolicyAsync's null does.
            var policy = new KnownPolicy(policies.TryGetValue(names[i].Value, out var text) ? text : null);
            allowed[i] = (await EvaluateAsync(principal, registry, action, registry.RepositoryArn(names[i].Value), context, policy, cancellationToken).ConfigureAwait(false)).IsAllowed;
        }

        return allowed;
    }

    public async ValueTask<bool> WouldAllowAsync(
        Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, string repositoryPolicy, CancellationToken cancellationToken) =>
        (await EvaluateAsync(principal, registry, action, resourceArn, context, new KnownPolicy(repositoryPolicy), cancellationToken).ConfigureAwait(false)).IsAllowed;

    public async ValueTask<SimulationResult> ExplainAsync(
        Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, CancellationToken cancellationToken)
    {
        var inputs = await GatherAsync(principal, registry, action, resourceArn, context, null, cancellationToken).ConfigureAwait(false);

        // The same texts the decision reads, named as the simulator names them; the identity policies read afresh for their names.
        var sources = principal.Kind == PrincipalKind.Root ? []
            : await identityPolicies.GetSourcesAsync(principal, cancellationToken).ConfigureAwait(false);
        SimulationPolicy? Resource(string? text, string id) => text is null ? null : new(id, "resource", text, documents.Get(text, PolicyDocumentKind.Resource));
        var request = new SimulationRequest(
            principal.ToRequestPrincipal(), [action], [resourceArn],
            [.. sources.Select(s => new SimulationPolicy(s.Name, s.SourceType, s.Document, documents.Get(s.Document, PolicyDocumentKind.Identity)))],
            Resource(inputs.RepositoryPolicy, "RepositoryPolicy"), registry.AccountId, inputs.Context, Resource(inputs.RegistryPolicy, "RegistryPolicy"));
        return simulator.Simulate(request)[0];
    }

    private async ValueTask<AuthorizationResult> EvaluateAsync(
        Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, KnownPolicy? repositoryPolicy, CancellationToken cancellationToken)
    {
        var inputs = await GatherAsync(principal, registry, action, resourceArn, context, repositoryPolicy, cancellationToken).ConfigureAwait(false);
        var sameAccount = principal.AccountId == registry.AccountId;
        if (principal.Kind == PrincipalKind.Root && sameAccount && inputs.RepositoryPolicy is null && inputs.RegistryPolicy is null)
        {
            // The hot path of a registry used with its root key: nothing could deny it.
            return AuthorizationResult.Allowed;
        }

        var identityTexts = principal.Kind == PrincipalKind.Root
            ? []
            : await IdentityDocumentsAsync(principal, cancellationToken).ConfigureAwait(false);
        var identity = new PolicyDocument[identityTexts.Count];
        for (var i = 0; i < identity.Length; i++)
        {
            identity[i] = documents.Get(identityTexts[i], PolicyDocumentKind.Identity);
        }

        var resourcePolicy = inputs.RepositoryPolicy is null ? null : documents.Get(inputs.RepositoryPolicy, PolicyDocumentKind.Resource);
        var registryPolicy = inputs.RegistryPolicy is null ? null : documents.Get(inputs.RegistryPolicy, PolicyDocumentKind.Resource);
        return evaluator.Evaluate(new AuthorizationRequest(principal.ToRequestPrincipal(), action, resourceArn, registry.AccountId, inputs.Context, identity, resourcePolicy, registryPolicy));
    }

    /// <summary>
    /// The resource-side inputs of a decision: the repository and registry policies that govern it and the request
    /// keys, with the repository's tags when some policy (identity, repository, registry) mentions ResourceTag.
    /// </summary>
    private async ValueTask<Inputs> GatherAsync(
        Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, KnownPolicy? repositoryPolicy, CancellationToken cancellationToken)
    {
        var repository = RepositoryOf(registry, resourceArn);
        var repositoryKey = repository is null ? default : new RegistryAuthorizationCache.RepositoryKey(registry.AccountId, registry.Region, repository.Value);
        var policyText = repository is null ? null
            : repositoryPolicy is { } known ? known.Text : await PolicyTextAsync(repository, repositoryKey, cancellationToken).ConfigureAwait(false);
        var (registryPolicyText, scopeV2) = await RegistryPolicyAsync(registry, cancellationToken).ConfigureAwait(false);
        if (registryPolicyText is not null && !RegistryPolicyService.Governs(action, scopeV2))
        {
            registryPolicyText = null;
        }

        var keys = context;
        if (repository is not null && (MentionsResourceTags(policyText) || MentionsResourceTags(registryPolicyText)
            || (principal.Kind != PrincipalKind.Root && await IdentityMentionsTagsAsync(principal, cancellationToken).ConfigureAwait(false))))
        {
            if (await TagsAsync(repository, repositoryKey, cancellationToken).ConfigureAwait(false) is { Count: > 0 } tags)
            {
                keys = new RequestContext(context).SetResourceTags(tags);
            }
        }

        return new Inputs(policyText, registryPolicyText, keys);
    }

    private async ValueTask<bool> IdentityMentionsTagsAsync(Principal principal, CancellationToken cancellationToken) =>
        (await IdentityDocumentsAsync(principal, cancellationToken).ConfigureAwait(false)).Any(MentionsResourceTags);

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

    private async ValueTask<(string? Text, bool ScopeV2)> RegistryPolicyAsync(RegistryIdentity registry, CancellationToken cancellationToken)
    {
        var key = new RegistryAuthorizationCache.RegistryKey(registry.AccountId, registry.Region);
        if (!cache.RegistryPolicies.TryGet(key, out var entry))
        {
            var start = cache.RegistryPolicies.Begin();
            var text = await registryPolicies.FindAsync(registry, cancellationToken).ConfigureAwait(false);
            entry = (text, text is not null && await registryPolicyService.IsScopeV2Async(cancellationToken).ConfigureAwait(false));
            cache.RegistryPolicies.Set(key, entry, start);
        }

        return entry;
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

    /// <summary>A repository policy already read (or proposed): <see cref="Text"/> null is none. Null: read the stored one.</summary>
    private readonly record struct KnownPolicy(string? Text);

    private sealed record Inputs(
        string? RepositoryPolicy, string? RegistryPolicy, RequestContext Context);
}
