namespace Berth.Core.IamPolicies;

/// <summary>The set operator in front of a condition operator (<c>ForAnyValue:</c>, <c>ForAllValues:</c>), if any.</summary>
public enum SetQualifier { None, ForAnyValue, ForAllValues }
