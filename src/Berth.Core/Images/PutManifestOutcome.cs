using Berth.Core.Content;

namespace Berth.Core.Images;

/// <summary>The result of an atomic manifest put: stored, or refused because referenced content is missing.</summary>
public sealed record PutManifestOutcome(IReadOnlyList<Digest> MissingBlobs, IReadOnlyList<Digest> MissingManifests)
{
    public static readonly PutManifestOutcome Stored = new([], []);

    public bool IsStored => MissingBlobs.Count == 0 && MissingManifests.Count == 0;
}
