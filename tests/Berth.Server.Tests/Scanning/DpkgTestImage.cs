using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Clients.Images;

namespace Berth.Server.Tests.Scanning;

/// <summary>
/// An OCI image made from this machine's real package database: layer one holds /usr/lib/os-release with
/// /etc/os-release linking to it (as Debian ships them), /var/lib/dpkg/status and a distroless-style
/// status.d/ghostpkg stanza; layer two whites the status.d directory out, so ghostpkg is not installed in the image.
/// </summary>
internal static class DpkgTestImage
{
    public const string Ghost = "ghostpkg";

    public static OciDescriptor Write(OciLayoutWriter layout, string tag)
    {
        var osRelease = System.IO.File.ReadAllBytes("/etc/os-release");
        var status = System.IO.File.ReadAllBytes("/var/lib/dpkg/status");
        var (first, firstDiff) = Layer(w =>
        {
            File(w, "usr/lib/os-release", osRelease);
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "etc/os-release") { LinkName = "../usr/lib/os-release" });
            File(w, "var/lib/dpkg/status", status);
            File(w, $"var/lib/dpkg/status.d/{Ghost}", Encoding.UTF8.GetBytes($"Package: {Ghost}\nVersion: 1.0-1\n"));
        });
        var (second, secondDiff) = Layer(w => File(w, "var/lib/dpkg/.wh.status.d", []));
        var layers = new[] { layout.WriteBlob("application/vnd.oci.image.layer.v1.tar+gzip", first), layout.WriteBlob("application/vnd.oci.image.layer.v1.tar+gzip", second) };
        var config = layout.WriteBlob("application/vnd.oci.image.config.v1+json", JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            rootfs = new { type = "layers", diff_ids = new[] { firstDiff, secondDiff } },
        }));
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = config.MediaType, digest = config.Digest, size = config.Size },
            layers = layers.Select(l => new { mediaType = l.MediaType, digest = l.Digest, size = l.Size }),
        });
        var descriptor = layout.WriteBlob("application/vnd.oci.image.manifest.v1+json", manifest);
        layout.Tag(descriptor, tag);
        return descriptor;
    }

    private static void File(TarWriter writer, string path, byte[] content) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(content) });

    /// <summary>The gzip'd layer and its diff id (the digest of the uncompressed tar).</summary>
    private static (byte[] Layer, string DiffId) Layer(Action<TarWriter> write)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(writer);
        }

        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        return (gzipped.ToArray(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar.ToArray())));
    }
}
