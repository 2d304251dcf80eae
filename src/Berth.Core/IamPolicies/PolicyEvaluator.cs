using System.Globalization;

namespace Berth.Core.IamPolicies;

/// <summary>
/// AWS's policy evaluation logic for one account's identity policies and the resource's policies (the repository's and
/// the registry's, which count as one resource-based policy):
/// <list type="number">
/// <item>A Deny statement that applies, in any policy, wins (identity-based reported first).</item>
/// <item>An account's root may do anything on its own account's resources; identity policies do not apply to it, a
/// resource policy's Deny does.</item>
/// <item>Within one account, an Allow in an identity policy or in the resource policy suffices; a resource policy
/// that names only the account (its id or root ARN) hands the decision to the account's identity policies.</item>
/// <item>Across accounts, the resource policy must allow the caller (directly or through its account) and the
/// caller's identity policies must allow too (a root caller's own account allows it everything).</item>
/// <item>An anonymous caller is allowed only by a resource policy naming <c>*</c>.</item>
/// </list>
/// Safe for concurrent use; nothing is parsed or compiled per call.
/// </summary>
public sealed class PolicyEvaluator(TimeProvider timeProvider)
{
    public AuthorizationResult Evaluate(AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var principal = request.Principal;
        var context = WithPrincipalKeys(request.Context, principal);

        var identityAllow = false;
        if (principal.Type is PrincipalType.User or PrincipalType.AssumedRole)
        {
            foreach (var policy in request.IdentityPolicies)
            {
                foreach (var statement in policy.Statements)
                {
                    if (!Applies(statement, request, context))
                    {
                        continue;
                    }

                    if (statement.Effect == PolicyEffect.Deny)
                    {
                        return AuthorizationResult.Denied(request, AuthorizationDecision.ExplicitDeny, PolicyType.IdentityBased);
                    }

                    identityAllow = true;
                }
            }
        }

        var resourceAllow = PrincipalMatch.None;
        foreach (var statement in ResourceStatements(request))
        {
            var named = statement.MatchPrincipal(principal);
            if (named == PrincipalMatch.None || !Applies(statement, request, context))
            {
                continue;
            }

            if (statement.Effect == PolicyEffect.Deny)
            {
                return AuthorizationResult.Denied(request, AuthorizationDecision.ExplicitDeny, PolicyType.ResourceBased);
            }

            resourceAllow = (PrincipalMatch)Math.Max((int)resourceAllow, (int)named);
        }

        var sameAccount = principal.Type != PrincipalType.Anonymous && principal.AccountId == request.ResourceAccountId;
        if (principal.Type == PrincipalType.Anonymous)
        {
            return resourceAllow == PrincipalMatch.Principal
                ? AuthorizationResult.Allowed
                : AuthorizationResult.Denied(request, AuthorizationDecision.ImplicitDeny, PolicyType.ResourceBased);
        }

        if (sameAccount)
        {
            return principal.Type == PrincipalType.Root || identityAllow || resourceAllow == PrincipalMatch.Principal
                ? AuthorizationResult.Allowed
                : AuthorizationResult.Denied(request, AuthorizationDecision.ImplicitDeny, PolicyType.IdentityBased);
        }

        if (resourceAllow == PrincipalMatch.None)
        {
            return AuthorizationResult.Denied(request, AuthorizationDecision.ImplicitDeny, PolicyType.ResourceBased);
        }

        return principal.Type == PrincipalType.Root || identityAllow
            ? AuthorizationResult.Allowed
            : AuthorizationResult.Denied(request, AuthorizationDecision.ImplicitDeny, PolicyType.IdentityBased);
    }

    private static IEnumerable<PolicyStatement> ResourceStatements(AuthorizationRequest request) =>
        (request.ResourcePolicy?.Statements ?? []).Concat(request.RegistryPolicy?.Statements ?? []);

    private static bool Applies(PolicyStatement statement, AuthorizationRequest request, RequestContext context) =>
        statement.AppliesToAction(request.Action)
        && statement.AppliesToResource(request.Resource, context)
        && statement.ConditionsHold(context);

    private RequestContext WithPrincipalKeys(RequestContext given, RequestPrincipal principal)
    {
        var context = new RequestContext(given);
        void Default(string key, string? value)
        {
            if (value is not null && !context.Contains(key))
            {
                context.Set(key, value);
            }
        }

        var now = timeProvider.GetUtcNow();
        Default(ContextKeys.CurrentTime, now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Default(ContextKeys.EpochTime, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Default(ContextKeys.PrincipalType, principal.PrincipalTypeValue);
        if (principal.Type == PrincipalType.Anonymous)
        {
            return context;
        }

        Default(ContextKeys.PrincipalArn, principal.PrincipalArnValue);
        Default(ContextKeys.PrincipalAccount, principal.AccountId);
        Default(ContextKeys.UserId, principal.UserId);
        Default(ContextKeys.UserName, principal.Type == PrincipalType.User ? principal.UserName : null);
        return context;
    }
}
