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
/// Safe for concurrent use; nothing is parsed or compiled per call. The live authorizers and the policy simulator
/// run this same code: the simulator passes an <see cref="EvaluationTrace"/> to learn why.
/// </summary>
public sealed class PolicyEvaluator(TimeProvider timeProvider)
{
    public AuthorizationResult Evaluate(AuthorizationRequest request) => Evaluate(request, null);

    /// <summary>Decides as <see cref="Evaluate(AuthorizationRequest)"/>, and records in <paramref name="trace"/> (when given) what it checked.</summary>
    public AuthorizationResult Evaluate(AuthorizationRequest request, EvaluationTrace? trace)
    {
        ArgumentNullException.ThrowIfNull(request);
        var principal = request.Principal;
        var context = WithPrincipalKeys(request.Context, principal);

        var identityAllow = false;
        if (principal.Type is PrincipalType.User or PrincipalType.AssumedRole)
        {
            for (var p = 0; p < request.IdentityPolicies.Count; p++)
            {
                var statements = request.IdentityPolicies[p].Statements;
                for (var s = 0; s < statements.Count; s++)
                {
                    var statement = statements[s];
                    if (!Applies(statement, request, context, trace, PolicySource.Identity, p, s, null))
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
        foreach (var (source, index, statement) in ResourceStatements(request))
        {
            var named = statement.MatchPrincipal(principal);
            if (named == PrincipalMatch.None)
            {
                trace?.Add(new StatementEvaluation(source, 0, index, statement, statement.AppliesToAction(request.Action), null, false, []));
                continue;
            }

            if (!Applies(statement, request, context, trace, source, 0, index, true))
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

    private static IEnumerable<(PolicySource Source, int Index, PolicyStatement Statement)> ResourceStatements(AuthorizationRequest request) =>
        (request.ResourcePolicy?.Statements ?? []).Select((s, i) => (PolicySource.Resource, i, s))
            .Concat((request.RegistryPolicy?.Statements ?? []).Select((s, i) => (PolicySource.Registry, i, s)));

    private static bool Applies(
        PolicyStatement statement, AuthorizationRequest request, RequestContext context, EvaluationTrace? trace,
        PolicySource source, int policyIndex, int statementIndex, bool? principalMatched)
    {
        if (trace is null)
        {
            return statement.AppliesToAction(request.Action)
                && statement.AppliesToResource(request.Resource, context)
                && statement.ConditionsHold(context);
        }

        // The same checks in the same order, each recorded.
        var action = statement.AppliesToAction(request.Action);
        bool? resource = action ? statement.AppliesToResource(request.Resource, context) : null;
        IReadOnlyList<ConditionEvaluation> conditions = resource == true ? statement.ExplainConditions(context, trace) : [];
        var evaluation = new StatementEvaluation(source, policyIndex, statementIndex, statement, action, resource, principalMatched, conditions);
        trace.Add(evaluation);
        return evaluation.Applies;
    }

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
