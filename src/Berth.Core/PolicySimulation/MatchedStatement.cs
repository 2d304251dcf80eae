using Berth.Core.IamPolicies;

namespace Berth.Core.PolicySimulation;

/// <summary>A statement that decided a simulated request: the policy it is in, where it is in that policy's text, and the statement.</summary>
public sealed record MatchedStatement(SimulationPolicy Policy, TextPosition Start, TextPosition End, PolicyStatement Statement);
