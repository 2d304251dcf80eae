namespace Berth.Core.PublicRegistries;

/// <summary>
/// An account's ECR Public registry: its alias (the first path segment of every image, <c>&lt;host&gt;/&lt;alias&gt;/&lt;repo&gt;</c>,
/// unique across the deployment) and its catalog display name (empty until PutRegistryCatalogData sets one).
/// </summary>
public sealed record PublicRegistry(string AccountId, string Alias, string DisplayName, DateTimeOffset CreatedAt);
