namespace Berth.Server.Tests.Clients.Images;

/// <summary>
/// A single-platform image written to an OCI layout: its manifest bytes, every blob it references, and the digests of
/// the uncompressed layers (rootfs.diff_ids), which survive a client that recompresses layers.
/// </summary>
public sealed record TestImage(
    string ManifestDigest,
    byte[] Manifest,
    string Architecture,
    OciDescriptor Config,
    IReadOnlyList<OciDescriptor> Layers,
    IReadOnlyList<string> DiffIds)
{
    public OciDescriptor Descriptor => new(OciMediaTypes.ImageManifest, ManifestDigest, Manifest.Length);

    /// <summary>The config first, then the layers.</summary>
    public IEnumerable<OciDescriptor> Blobs => Layers.Prepend(Config);
}
