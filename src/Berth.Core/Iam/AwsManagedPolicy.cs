namespace Berth.Core.Iam;

/// <summary>An AWS managed policy as the catalog knows it: where it lives, its current document and version.</summary>
public sealed record AwsManagedPolicy(
    string Name,
    string Path,
    string Id,
    string VersionId,
    string Document,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string Arn => $"{ManagedPolicy.AwsArnPrefix}{Path[1..]}{Name}";
}
