using Berth.Core.Content;

namespace Berth.Core.Manifests;

/// <summary>
/// A manifest or index that passed <see cref="ManifestParser"/>: its exact bytes, their digest, and what it refers to.
/// <see cref="ImageSize"/> is what DescribeImages reports: the config plus the (compressed) layers of an image; 0 for an
/// index, whose size is its largest child's, which only the store knows (it is computed with the children's check). <see cref="DeclaredBlobSizes"/> holds the size each config and layer descriptor
/// declares, to be checked against the stored blobs.
/// </summary>
public sealed record ParsedManifest(
    string MediaType,
    Digest Digest,
    ReadOnlyMemory<byte> Content,
    IReadOnlyList<Digest> Blobs,
    IReadOnlyList<Digest> Manifests,
    Digest? Subject,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations,
    string? ConfigMediaType = null,
    long ImageSize = 0,
    IReadOnlyDictionary<Digest, long>? DeclaredBlobSizes = null)
{
    public long Size => Content.Length;

    /// <summary>The descriptor the referrers API lists for this manifest.</summary>
    public Descriptor ToDescriptor() => new(MediaType, Digest, Size, ArtifactType, Annotations);
}
