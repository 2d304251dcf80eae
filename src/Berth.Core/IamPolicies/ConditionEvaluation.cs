namespace Berth.Core.IamPolicies;

/// <summary>
/// One condition as evaluated: its operator and key, the policy's values as written, the request's values (null when
/// the request did not have the key) and whether it held.
/// </summary>
public sealed record ConditionEvaluation(string Operator, string Key, IReadOnlyList<string> PolicyValues, IReadOnlyList<string>? RequestValues, bool Held);
