namespace Berth.Server.Tests.Clients.Images;

/// <summary>A single-platform image written to an OCI layout: its manifest bytes and every blob it references.</summary>
public sealed record TestImage(
    string ManifestDigest,
    byte[] Manifest,
    string Architecture,
    OciDescriptor Config,
    IReadOnlyList<OciDescriptor> Layers)
{
    public OciDescriptor Descriptor => new(OciMediaTypes.ImageManifest, ManifestDigest, Manifest.Length);

    /// <summary>The config first, then the layers.</summary>
    public IEnumerable<OciDescriptor> Blobs => Layers.Prepend(Config);
}
