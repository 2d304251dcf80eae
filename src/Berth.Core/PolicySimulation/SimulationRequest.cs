using Berth.Core.IamPolicies;

namespace Berth.Core.PolicySimulation;

/// <summary>
/// What to simulate: every action in <see cref="Actions"/> on every resource in <see cref="Resources"/> (<c>*</c>
/// when empty), for <see cref="Principal"/> with its identity policies, the resource-based policy (and, beyond IAM's
/// simulator, the registry policy) treated as attached to every resource, and the request's condition keys. A
/// resource whose ARN names no account belongs to <see cref="ResourceOwner"/>. <see cref="ResourceAccount"/>, when set,
/// is the account every resource is decided as belonging to, whatever its ARN says: the live authorizers that decide
/// so (IAM's calls on the caller's account; a role's trust decided as across accounts) are explained with it.
/// </summary>
public sealed record SimulationRequest(
    RequestPrincipal Principal,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Resources,
    IReadOnlyList<SimulationPolicy> IdentityPolicies,
    SimulationPolicy? ResourcePolicy,
    string ResourceOwner,
    RequestContext Context,
    SimulationPolicy? RegistryPolicy = null,
    string? ResourceAccount = null);
