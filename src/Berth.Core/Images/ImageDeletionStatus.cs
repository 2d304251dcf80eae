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
