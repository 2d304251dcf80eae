namespace Berth.Core.IamPolicies;

/// <summary>The outcome of an evaluation: allowed, denied by a Deny statement, or denied because nothing allowed it.</summary>
public enum AuthorizationDecision { Allow, ExplicitDeny, ImplicitDeny }
