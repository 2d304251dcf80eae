using Berth.Core.Errors;
using Berth.Core.IamPolicies;

namespace Berth.Core.Registries;

/// <summary>
/// PutRegistryPolicy, GetRegistryPolicy and DeleteRegistryPolicy for the scope's registry. A policy is checked as a
/// resource-based policy whose every statement names its Resource (the registry has many resources, so none is
/// implied as it is for a repository policy); under REGISTRY_POLICY_SCOPE V1 its actions may only be the three ECR
/// enforces at registry level then. An invalid document is InvalidParameterException with ECR's text and nothing is
/// stored. See https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html
/// </summary>
public sealed class RegistryPolicyService(IRegistryPolicyStore store, RegistryIdentity registry, AccountSettingService settings)
{
    /// <summary>ECR's wording for a registry policy it refuses (the same as for a repository policy, with "registry").</summary>
    public const string InvalidPolicyMessage = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'";

    /// <summary>The actions a registry policy governs under scope V1 (replication, pull through cache, repository creation).</summary>
    public static readonly IReadOnlyList<string> V1Actions = ["ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"];

    /// <summary>Validates and stores <paramref name="policyText"/> as the registry's policy, replacing any earlier one.</summary>
    public async ValueTask PutAsync(string policyText, CancellationToken cancellationToken)
    {
        PolicyDocument document;
        try
        {
            document = PolicyDocument.Parse(policyText, PolicyDocumentKind.Resource);
        }
        catch (MalformedPolicyDocumentException)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, InvalidPolicyMessage);
        }

        if (document.Statements.Any(s => !s.HasResourceElement))
        {
            throw new RegistryException(EcrErrors.InvalidParameter, InvalidPolicyMessage);
        }

        if (!await IsScopeV2Async(cancellationToken).ConfigureAwait(false)
            && document.Statements.Any(s => s.IsNotAction || s.Actions.Any(a => !V1Actions.Any(v1 => new ActionPattern(a).IsMatch(v1)))))
        {
            throw new RegistryException(EcrErrors.InvalidParameter, InvalidPolicyMessage);
        }

        await store.PutAsync(registry, policyText, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The registry's policy text; RegistryPolicyNotFoundException when it has none.</summary>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken) =>
        await store.FindAsync(registry, cancellationToken).ConfigureAwait(false) ?? throw NotFound();

    /// <summary>Removes the registry's policy and returns its text; RegistryPolicyNotFoundException when it has none.</summary>
    public async ValueTask<string> DeleteAsync(CancellationToken cancellationToken)
    {
        var text = await GetAsync(cancellationToken).ConfigureAwait(false);
        if (!await store.DeleteAsync(registry, cancellationToken).ConfigureAwait(false))
        {
            throw NotFound();
        }

        return text;
    }

    /// <summary>Whether the registry policy applies to every ECR action (REGISTRY_POLICY_SCOPE V2, ECR's default).</summary>
    public async ValueTask<bool> IsScopeV2Async(CancellationToken cancellationToken) =>
        await settings.GetAsync(AccountSettingService.RegistryPolicyScope, cancellationToken).ConfigureAwait(false) == "V2";

    /// <summary>Whether a registry policy governs <paramref name="action"/> under the given scope.</summary>
    public static bool Governs(string action, bool scopeV2) => scopeV2 || V1Actions.Contains(action, StringComparer.OrdinalIgnoreCase);

    private RegistryException NotFound() =>
        new(EcrErrors.RegistryPolicyNotFound, $"Registry policy does not exist in the registry with id '{registry.AccountId}'");
}
