using Berth.Core.Content;

namespace Berth.Core.Images;

/// <summary>What an atomic manifest put did.</summary>
public enum PutManifestStatus
{
    /// <summary>The manifest is stored and the tag, if any, points at it.</summary>
    Stored,

    /// <summary>Nothing written: the repository does not exist.</summary>
    RepositoryMissing,

    /// <summary>Nothing written: referenced blobs or child manifests are missing.</summary>
    ReferencesMissing,

    /// <summary>Nothing written: the tag exists and the repository's mutability setting forbids moving it.</summary>
    TagImmutable,

    /// <summary>
    /// Nothing written: the tag is new to the image, which already has <see cref="ImageService.MaxTagsPerImage"/> tags.
    /// Counted in the put's transaction under the repository's lock, so racing pushes cannot end over the quota.
    /// </summary>
    TagLimitExceeded,
}

/// <summary>
/// The result of an atomic manifest put. <see cref="AlreadyTagged"/> says the tag already pointed at this very
/// manifest (ECR's PutImage answers ImageAlreadyExistsException for it).
/// </summary>
public sealed record PutManifestOutcome(
    PutManifestStatus Status,
    IReadOnlyList<Digest> MissingBlobs,
    IReadOnlyList<Digest> MissingManifests,
    bool AlreadyTagged = false)
{
    public static readonly PutManifestOutcome RepositoryMissing = new(PutManifestStatus.RepositoryMissing, [], []);

    public static readonly PutManifestOutcome TagImmutable = new(PutManifestStatus.TagImmutable, [], []);

    public static readonly PutManifestOutcome TagLimitExceeded = new(PutManifestStatus.TagLimitExceeded, [], []);

    public bool IsStored => Status == PutManifestStatus.Stored;

    public static PutManifestOutcome Stored(bool alreadyTagged) => new(PutManifestStatus.Stored, [], [], alreadyTagged);
}
