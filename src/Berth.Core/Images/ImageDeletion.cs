using Berth.Core.Content;

namespace Berth.Core.Images;

/// <summary>What deleting an image (by digest, tag, or both) did.</summary>
public enum ImageDeletionStatus
{
    /// <summary>The tag was removed, and the manifest too when it was its last tag or the digest was named.</summary>
    Deleted,

    /// <summary>Nothing matches the digest or tag.</summary>
    NotFound,

    /// <summary>Both were given and the tag points at another manifest.</summary>
    TagDoesNotMatchDigest,

    /// <summary>Nothing deleted: an index in the repository lists the manifest (<see cref="ImageDeletion.ReferencedBy"/>).</summary>
    ReferencedByIndex,
}

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
