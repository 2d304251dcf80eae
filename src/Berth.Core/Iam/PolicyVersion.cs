namespace Berth.Core.Iam;

/// <summary>One version (v1, v2, …) of a managed policy, with its document as stored (JSON text).</summary>
public sealed record PolicyVersion(string VersionId, string Document, bool IsDefault, DateTimeOffset CreatedAt);
