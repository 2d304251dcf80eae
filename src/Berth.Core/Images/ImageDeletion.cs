using Berth.Core.Content;

namespace Berth.Core.Images;

/// <summary>
/// The result of <see cref="IImageCatalog.DeleteImageAsync"/>: the manifest concerned, the tags removed with it and,
/// when refused, the indexes that still list it.
/// </summary>
public sealed record ImageDeletion(ImageDeletionStatus Status, Digest? Digest, IReadOnlyList<string> Tags, IReadOnlyList<Digest> ReferencedBy)
{
    public static readonly ImageDeletion NotFound = new(ImageDeletionStatus.NotFound, null, [], []);

    /// <summary>True when the manifest row itself is gone, not only a tag.</summary>
    public bool ManifestDeleted { get; init; }
}
