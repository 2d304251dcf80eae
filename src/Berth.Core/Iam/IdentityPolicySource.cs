namespace Berth.Core.Iam;

/// <summary>
/// One identity policy of an entity: its name (an inline policy's, or a managed policy's), the kind IAM's simulator
/// reports as SourcePolicyType (user, group, role, aws-managed, user-managed) and the JSON text.
/// </summary>
public sealed record IdentityPolicySource(string Name, string SourceType, string Document);
