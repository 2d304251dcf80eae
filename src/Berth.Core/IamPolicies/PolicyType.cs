namespace Berth.Core.IamPolicies;

/// <summary>Which kind of policy decided a denial, as AWS names it in AccessDenied messages.</summary>
public enum PolicyType { IdentityBased, ResourceBased }
