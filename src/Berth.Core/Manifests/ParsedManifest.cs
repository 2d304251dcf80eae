using Berth.Core.Content;

namespace Berth.Core.Manifests;

/// <summary>
/// A manifest or index that passed <see cref="ManifestParser"/>: its exact bytes, their digest, and what it refers to.
/// </summary>
public sealed record ParsedManifest(
    string MediaType,
    Digest Digest,
    ReadOnlyMemory<byte> Content,
    IReadOnlyList<Digest> Blobs,
    IReadOnlyList<Digest> Manifests,
    Digest? Subject,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations)
{
    public long Size => Content.Length;

    /// <summary>The descriptor the referrers API lists for this manifest.</summary>
    public Descriptor ToDescriptor() => new(MediaType, Digest, Size, ArtifactType, Annotations);
}
