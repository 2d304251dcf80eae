using System.Security.Cryptography;
using System.Text.Json;

namespace Berth.Server.Tests.Clients.Images;

/// <summary>
/// Writes an OCI image layout (image-spec image-layout.md): the <c>oci-layout</c> marker, content-addressed blobs under
/// <c>blobs/sha256/</c>, and <c>index.json</c> listing each tagged manifest with an <c>org.opencontainers.image.ref.name</c>
/// annotation, which is what skopeo's <c>oci:DIR:TAG</c> resolves.
/// </summary>
public sealed class OciLayoutWriter
{
    private readonly List<(OciDescriptor Manifest, string Tag)> _entries = [];

    public OciLayoutWriter(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        WriteIndex();
    }

    public string Directory { get; }

    /// <summary>Stores <paramref name="content"/> under its SHA-256 digest and returns its descriptor.</summary>
    public OciDescriptor WriteBlob(string mediaType, byte[] content)
    {
        var digest = DigestOf(content);
        File.WriteAllBytes(Path.Combine(Directory, "blobs", "sha256", digest["sha256:".Length..]), content);
        return new OciDescriptor(mediaType, digest, content.Length);
    }

    /// <summary>Lists the manifest in index.json under <paramref name="tag"/>.</summary>
    public void Tag(OciDescriptor manifest, string tag)
    {
        _entries.Add((manifest, tag));
        WriteIndex();
    }

    public static string DigestOf(ReadOnlySpan<byte> content) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";

    private void WriteIndex()
    {
        using var stream = File.Create(Path.Combine(Directory, "index.json"));
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", 2);
        json.WriteString("mediaType", OciMediaTypes.ImageIndex);
        json.WriteStartArray("manifests");
        foreach (var (manifest, tag) in _entries)
        {
            json.WriteStartObject();
            json.WriteString("mediaType", manifest.MediaType);
            json.WriteString("digest", manifest.Digest);
            json.WriteNumber("size", manifest.Size);
            json.WriteStartObject("annotations");
            json.WriteString(OciMediaTypes.RefNameAnnotation, tag);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
