using Berth.Core.IamPolicies;

namespace Berth.Core.PolicySimulation;

/// <summary>
/// The parameters SimulatePrincipalPolicy and SimulateCustomPolicy share: the actions and resources (IAM's
/// ActionNames, ResourceArns), policy texts added to the simulation (PolicyInputList), the resource-based policy
/// (ResourcePolicy), the account owning resources whose ARN names none (ResourceOwner, an account id or its root
/// ARN), the simulated caller (CallerArn, a user's ARN) and the condition keys (ContextEntries).
/// </summary>
public sealed record SimulationInput(
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> PolicyInputs,
    string? ResourcePolicy,
    string? ResourceOwner,
    string? CallerArn,
    RequestContext Context);
