namespace Berth.Core.IamPolicies;

/// <summary>
/// What <see cref="PolicyEvaluator"/> decided. For a denial, <see cref="PolicyType"/> says which kind of policy denied
/// (explicit deny) or failed to allow (implicit deny), and <see cref="Message"/> is AWS's AccessDenied sentence.
/// </summary>
public sealed record AuthorizationResult(AuthorizationDecision Decision, PolicyType? PolicyType, string? Message)
{
    public static AuthorizationResult Allowed { get; } = new(AuthorizationDecision.Allow, null, null);

    public bool IsAllowed => Decision == AuthorizationDecision.Allow;

    internal static AuthorizationResult Denied(AuthorizationRequest request, AuthorizationDecision decision, PolicyType type)
    {
        var kind = type == IamPolicies.PolicyType.IdentityBased ? "identity-based" : "resource-based";
        var reason = decision == AuthorizationDecision.ExplicitDeny
            ? $"with an explicit deny in {(type == IamPolicies.PolicyType.IdentityBased ? "an" : "a")} {kind} policy"
            : $"because no {kind} policy allows the {request.Action} action";
        return new AuthorizationResult(decision, type,
            $"User: {request.Principal.Arn} is not authorized to perform: {request.Action} on resource: {request.Resource} {reason}");
    }
}
