namespace Berth.Core.IamPolicies;

/// <summary>What a policy document is for: identity policies must not name a Principal; resource policies and role trust policies must.</summary>
public enum PolicyDocumentKind { Identity, Resource }
