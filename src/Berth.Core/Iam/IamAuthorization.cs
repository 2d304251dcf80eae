using Berth.Core.Credentials;
using Berth.Core.IamPolicies;

namespace Berth.Core.Iam;

/// <summary>
/// Decides IAM and STS calls with <see cref="PolicyEvaluator"/>: the account root may do anything in its own account;
/// any other caller needs an identity policy that allows the action on the resource, and no explicit deny. AssumeRole
/// also needs the role's trust policy to allow the caller: by naming it (enough within the account), or by naming its
/// account, which then must allow sts:AssumeRole through the caller's identity policies.
/// </summary>
public sealed class IamAuthorization(IdentityPolicies identityPolicies, PolicyEvaluator evaluator, PolicyDocumentCache documents)
{
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

    private async ValueTask<IReadOnlyList<PolicyDocument>> IdentityDocumentsAsync(Principal caller, CancellationToken cancellationToken)
    {
        var texts = await identityPolicies.GetDocumentsAsync(caller, cancellationToken).ConfigureAwait(false);
        return [.. texts.Select(t => Parse(t, PolicyDocumentKind.Identity))];
    }

    private PolicyDocument Parse(string text, PolicyDocumentKind kind) => documents.Get(text, kind);
}
