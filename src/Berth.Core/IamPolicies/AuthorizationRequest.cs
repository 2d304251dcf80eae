namespace Berth.Core.IamPolicies;

/// <summary>
/// One question for <see cref="PolicyEvaluator"/>: may <see cref="Principal"/> perform <see cref="Action"/>
/// (<c>ecr:PutImage</c>) on <see cref="Resource"/> (a repository ARN, or <c>*</c> for registry-wide calls), which
/// belongs to <see cref="ResourceAccountId"/>? <see cref="IdentityPolicies"/> are every policy of the principal (inline
/// and attached, its groups' for a user, its role's for a session); <see cref="ResourcePolicy"/> is the repository's
/// policy, if any, and <see cref="RegistryPolicy"/> the registry's when it governs the action (both are resource-based
/// policies: a Deny in either wins, an Allow in either counts). <see cref="Context"/> holds the request's condition keys; the evaluator adds the
/// principal's own keys (aws:PrincipalArn, aws:username, …) and the time keys when the caller did not set them.
/// </summary>
public sealed record AuthorizationRequest(
    RequestPrincipal Principal,
    string Action,
    string Resource,
    string ResourceAccountId,
    RequestContext Context,
    IReadOnlyList<PolicyDocument> IdentityPolicies,
    PolicyDocument? ResourcePolicy = null,
    PolicyDocument? RegistryPolicy = null);
