namespace Berth.Core.Scanning;

/// <summary>
/// Which manifests are images the scanner reads: an OCI or Docker v2 image manifest whose config is an image config.
/// An index is not (each of its child images is scanned on its own), nor an artifact (a signature, an SBOM, a chart).
/// </summary>
public static class ScannableImage
{
    public static bool Is(string mediaType, string? configMediaType) =>
        mediaType is "application/vnd.oci.image.manifest.v1+json" or "application/vnd.docker.distribution.manifest.v2+json"
        && configMediaType is "application/vnd.oci.image.config.v1+json" or "application/vnd.docker.container.image.v1+json";
}
