using Berth.Core.IamPolicies;

namespace Berth.Core.PolicySimulation;

/// <summary>
/// A policy given to the simulator: the id and type it is reported under (IAM's SourcePolicyId and SourcePolicyType:
/// an inline policy's name and <c>user</c>, <c>PolicyInputList.1</c> and <c>none</c>, <c>ResourcePolicy</c> and
/// <c>resource</c>, …), its text (for statement positions) and the parsed document the evaluator reads.
/// </summary>
public sealed record SimulationPolicy(string Id, string SourceType, string Text, PolicyDocument Document);
