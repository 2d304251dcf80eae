namespace Berth.Core.Iam;

/// <summary>What ListAccessKeys shows of a key: never the secret.</summary>
public sealed record AccessKeyMetadata(string AccessKeyId, string Status, DateTimeOffset CreatedAt);
