using Berth.Core.Content;
using Berth.Core.Lifecycle;

namespace Berth.Core.Images;

/// <summary>
/// What ECR's DescribeImages reports about one manifest: its tags (ordinal order, empty when untagged), the size of
/// the config and layers (<see cref="Manifests.ParsedManifest.ImageSize"/>), the config media type, the last pull and
/// the storage status (ACTIVE unless archived).
/// </summary>
public sealed record ImageDetail(
    Digest Digest,
    IReadOnlyList<string> Tags,
    string MediaType,
    string? ArtifactMediaType,
    long ImageSize,
    DateTimeOffset PushedAt,
    DateTimeOffset? LastPulledAt,
    Digest? Subject)
{
    public ImageStorageState Storage { get; init; } = ImageStorageState.Active;
}
