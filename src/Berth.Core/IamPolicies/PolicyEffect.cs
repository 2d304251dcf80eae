namespace Berth.Core.IamPolicies;

/// <summary>A statement's Effect.</summary>
public enum PolicyEffect { Allow, Deny }
