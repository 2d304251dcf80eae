using Berth.Core.Caching;
using Berth.Core.Credentials;

namespace Berth.Core.Registries;

/// <summary>
/// What <see cref="RegistryAuthorizer"/> reads from the store for a decision, kept for the next ones under
/// <see cref="AuthorizationCachePolicy"/>: the identity policy documents of a principal (a user's, or a role's for its
/// sessions), the policy text and tags of a repository of a registry, and a registry's policy. Parsed documents are cached apart, by text
/// (<see cref="IamPolicies.PolicyDocumentCache"/>), so a changed policy is parsed anew.
/// </summary>
public sealed class RegistryAuthorizationCache(AuthorizationCachePolicy policy)
{
    public ShortLivedCache<IdentityKey, IReadOnlyList<string>> IdentityPolicies { get; } = new(policy);

    public ShortLivedCache<RepositoryKey, string?> RepositoryPolicies { get; } = new(policy);

    public ShortLivedCache<RepositoryKey, IReadOnlyList<KeyValuePair<string, string>>?> RepositoryTags { get; } = new(policy);

    /// <summary>A registry's policy text and whether REGISTRY_POLICY_SCOPE is V2 (read only when there is a policy).</summary>
    public ShortLivedCache<RegistryKey, (string? Text, bool ScopeV2)> RegistryPolicies { get; } = new(policy);

    /// <summary>Whose identity policies: every session of a role shares the role's.</summary>
    public readonly record struct IdentityKey(string AccountId, PrincipalKind Kind, string? UserName, string? RoleArn)
    {
        public static IdentityKey Of(Principal principal) => new(principal.AccountId, principal.Kind, principal.UserName, principal.RoleArn);
    }

    /// <summary>A registry: an account in a region.</summary>
    public readonly record struct RegistryKey(string AccountId, string Region);

    /// <summary>A repository of one registry.</summary>
    public readonly record struct RepositoryKey(string AccountId, string Region, string Repository);
}
