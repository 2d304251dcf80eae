using Berth.Core.Content;

namespace Berth.Core.Manifests;

/// <summary>An OCI content descriptor (image-spec descriptor.md), reduced to what the registry uses.</summary>
public sealed record Descriptor(
    string MediaType,
    Digest Digest,
    long Size,
    string? ArtifactType = null,
    IReadOnlyDictionary<string, string>? Annotations = null);
