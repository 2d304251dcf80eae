using Berth.Core.Credentials;
using Berth.Core.IamPolicies;
using Berth.Core.PolicySimulation;

namespace Berth.Core.Iam;

/// <summary>
/// Decides IAM and STS calls with <see cref="PolicyEvaluator"/>: the account root may do anything in its own account;
/// any other caller needs an identity policy that allows the action on the resource, and no explicit deny. AssumeRole
/// also needs the role's trust policy to allow the caller: by naming it (enough within the account), or by naming its
/// account, which then must allow sts:AssumeRole through the caller's identity policies. The <c>Explain…</c> methods
/// say why, for <c>berth explain</c> and the console: the same inputs through <see cref="PolicySimulator"/>.
/// </summary>
public sealed class IamAuthorization(IdentityPolicies identityPolicies, PolicyEvaluator evaluator, PolicyDocumentCache documents, PolicySimulator simulator)
{
    /// <summary>The id a role's trust policy is reported under in an explanation (<see cref="SimulationPolicy.SourceType"/> "trust").</summary>
    public const string TrustPolicyType = "trust";

    /// <summary>Throws AccessDenied in AWS's words unless <paramref name="caller"/> may perform the action on the resource.</summary>
    public async ValueTask AuthorizeAsync(Principal caller, string action, string resourceArn, RequestContext context, CancellationToken cancellationToken)
    {
        if (caller.Kind == PrincipalKind.Root)
        {
            return;
        }

        var identity = await IdentityDocumentsAsync(caller, cancellationToken).ConfigureAwait(false);
        var result = evaluator.Evaluate(new AuthorizationRequest(caller.ToRequestPrincipal(), action, resourceArn, caller.AccountId, context, identity));
        if (!result.IsAllowed)
        {
            throw IamException.AccessDenied(result.Message!);
        }
    }

    /// <summary>Whether the role's trust policy (with the caller's identity policies) lets the caller assume it.</summary>
    public async ValueTask<bool> CanAssumeAsync(Principal caller, IamEntity role, RequestContext context, CancellationToken cancellationToken)
    {
        var identity = await IdentityDocumentsAsync(caller, cancellationToken).ConfigureAwait(false);
        var trust = Parse(role.TrustPolicy!, PolicyDocumentKind.Resource);
        var principal = caller.ToRequestPrincipal();
        AuthorizationResult Evaluate(IReadOnlyList<PolicyDocument> policies, string resourceAccount) =>
            evaluator.Evaluate(new AuthorizationRequest(principal, "sts:AssumeRole", role.Arn, resourceAccount, context, policies, trust));

        var full = Evaluate(identity, role.AccountId);
        if (caller.AccountId != role.AccountId || !full.IsAllowed)
        {
            // Across accounts the evaluator already requires both the trust policy and the identity policies.
            return full.IsAllowed;
        }

        // Within the account an identity Allow alone is not enough: the trust policy must name the caller, or name
        // the account and leave the decision to the identity policies (evaluated as a cross-account request would be).
        return Evaluate([], role.AccountId).IsAllowed || Evaluate(identity, "trust:" + role.AccountId).IsAllowed;
    }

    /// <summary>
    /// Why <see cref="AuthorizeAsync"/> decides as it does: the caller's identity policies, read afresh with their
    /// names, and the request's keys through the simulator (the resource belongs to the caller's account, as there).
    /// </summary>
    public async ValueTask<SimulationResult> ExplainAsync(Principal caller, string action, string resourceArn, RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var identity = await IdentitySourcesAsync(caller, cancellationToken).ConfigureAwait(false);
        return simulator.Simulate(new SimulationRequest(caller.ToRequestPrincipal(), [action], [resourceArn], identity, null, caller.AccountId, context,
            ResourceAccount: caller.AccountId))[0];
    }

    /// <summary>
    /// Why <see cref="CanAssumeAsync"/> decides as it does for <paramref name="role"/> (null: no role has the ARN):
    /// the caller's identity policies and the role's trust policy (reported as type <see cref="TrustPolicyType"/>).
    /// Within the role's account a decision the evaluator's own-account rule would allow on an identity policy alone is
    /// shown as CanAssumeAsync takes it, across accounts: the trust policy must allow the caller, by name or through its
    /// account. A missing role is decided the same way with no trust policy: nothing trusts the caller.
    /// </summary>
    public async ValueTask<SimulationResult> ExplainAssumeRoleAsync(Principal caller, string roleArn, IamEntity? role, RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var identity = await IdentitySourcesAsync(caller, cancellationToken).ConfigureAwait(false);
        var trust = role?.TrustPolicy is { } text ? new SimulationPolicy(role.Name, TrustPolicyType, text, Parse(text, PolicyDocumentKind.Resource)) : null;
        SimulationResult Simulate(string? resourceAccount) => simulator.Simulate(new SimulationRequest(
            caller.ToRequestPrincipal(), ["sts:AssumeRole"], [roleArn], identity, trust, role?.AccountId ?? caller.AccountId, context, ResourceAccount: resourceAccount))[0];

        if (role is null || trust is null)
        {
            return Simulate("trust:" + caller.AccountId);
        }

        var full = Simulate(role.AccountId);
        if (caller.AccountId != role.AccountId || !full.Result.IsAllowed || await CanAssumeAsync(caller, role, context, cancellationToken).ConfigureAwait(false))
        {
            return full;
        }

        // Allowed by an identity policy alone, which within the account is not enough: the check as across accounts.
        return Simulate("trust:" + role.AccountId);
    }

    private async ValueTask<List<SimulationPolicy>> IdentitySourcesAsync(Principal caller, CancellationToken cancellationToken)
    {
        var sources = caller.Kind == PrincipalKind.Root ? [] : await identityPolicies.GetSourcesAsync(caller, cancellationToken).ConfigureAwait(false);
        return [.. sources.Select(s => new SimulationPolicy(s.Name, s.SourceType, s.Document, Parse(s.Document, PolicyDocumentKind.Identity)))];
    }

    private async ValueTask<IReadOnlyList<PolicyDocument>> IdentityDocumentsAsync(Principal caller, CancellationToken cancellationToken)
    {
        var texts = await identityPolicies.GetDocumentsAsync(caller, cancellationToken).ConfigureAwait(false);
        return [.. texts.Select(t => Parse(t, PolicyDocumentKind.Identity))];
    }

    private PolicyDocument Parse(string text, PolicyDocumentKind kind) => documents.Get(text, kind);
}
