using Berth.Core.Content;

namespace Berth.Core.Lifecycle;

/// <summary>
/// What the evaluator knows of one image (manifest) of a repository: its tags, push and last pull times, storage
/// status and whether an image index in the repository lists it (such an image is never acted on while the index stays).
/// </summary>
public sealed record LifecycleImage(
    Digest Digest,
    IReadOnlyList<string> Tags,
    DateTimeOffset PushedAt,
    DateTimeOffset? LastPulledAt,
    ImageStatus Status,
    DateTimeOffset? ArchivedAt,
    bool ReferencedByIndex);
