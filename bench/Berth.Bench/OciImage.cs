using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Berth.Bench;

/// <summary>
/// Writes the real-client benchmark's image offline, as tests/Berth.Server.Tests/Clients' TestImageFactory does: an OCI
/// image layout (image-spec image-layout.md) with one linux/amd64 image whose layers are tar+gzip archives of one file
/// of random bytes each (so every call makes blobs no registry has yet, and gzip cannot shrink them), a config whose
/// rootfs.diff_ids are the digests of the uncompressed tars, and index.json naming the manifest by tag, which is what
/// skopeo's <c>oci:DIR:TAG</c> resolves.
/// </summary>
internal static class OciImage
{
    private const string LayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
    private const string ConfigType = "application/vnd.oci.image.config.v1+json";
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Write(string directory, string tag, int layerCount, int layerMiB)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");

        var layers = new List<(string Digest, long Size)>();
        var diffIds = new List<string>();
        long total = 0;
        for (var i = 0; i < layerCount; i++)
        {
            var (diffId, digest, size) = WriteLayer(blobs, i, layerMiB << 20);
            diffIds.Add(diffId);
            layers.Add((digest, size));
            total += size;
        }

        var config = Json(json =>
        {
            json.WriteString("created", Created);
            json.WriteString("architecture", "amd64");
            json.WriteString("os", "linux");
            json.WriteStartObject("config");
            json.WriteStartArray("Env");
            json.WriteStringValue("PATH=/usr/local/bin:/usr/bin:/bin");
            json.WriteEndArray();
            json.WriteStartObject("Labels");
            json.WriteString("berth.bench.id", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("rootfs");
            json.WriteString("type", "layers");
            json.WriteStartArray("diff_ids");
            diffIds.ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("history");
            for (var i = 0; i < layerCount; i++)
            {
                json.WriteStartObject();
                json.WriteString("created", Created);
                json.WriteString("created_by", string.Create(CultureInfo.InvariantCulture, $"berth bench layer {i}"));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        });
        var configDigest = WriteBlob(blobs, config);

        var manifest = Json(json =>
        {
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", ManifestType);
            Descriptor(json, "config", ConfigType, configDigest, config.Length);
            json.WriteStartArray("layers");
            foreach (var (digest, size) in layers)
            {
                Descriptor(json, null, LayerType, digest, size);
            }
            json.WriteEndArray();
        });
        var manifestDigest = WriteBlob(blobs, manifest);

        File.WriteAllBytes(Path.Combine(directory, "index.json"), Json(json =>
        {
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", "application/vnd.oci.image.index.v1+json");
            json.WriteStartArray("manifests");
            json.WriteStartObject();
            json.WriteString("mediaType", ManifestType);
            json.WriteString("digest", manifestDigest);
            json.WriteNumber("size", manifest.Length);
            json.WriteStartObject("annotations");
            json.WriteString("org.opencontainers.image.ref.name", tag);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
        }));

        // One line for run.sh: the image's total compressed size (layers, config, manifest) in bytes, and its digest.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total + config.Length + manifest.Length}\t{manifestDigest}"));
    }

    private static (string DiffId, string Digest, long Size) WriteLayer(string blobs, int index, int bytes)
    {
        var content = RandomNumberGenerator.GetBytes(bytes);
        using var tar = new MemoryStream(bytes + (64 << 10));
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var directory = string.Create(CultureInfo.InvariantCulture, $"bench/layer{index}/");
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory) { ModificationTime = Created, Mode = (UnixFileMode)0b111_101_101 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, directory + "data.bin")
            {
                ModificationTime = Created,
                Mode = (UnixFileMode)0b110_100_100,
                DataStream = new MemoryStream(content, writable: false),
            });
        }
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar.GetBuffer().AsSpan(0, (int)tar.Length)));

        using var gzipped = new MemoryStream(bytes + (1 << 20));
        // Random bytes do not compress; NoCompression writes them as stored deflate blocks (as gzip -6 ends up doing
        // for such data) instead of expanding them by ~5% with level 1's fixed Huffman codes, and costs no CPU here.
        using (var gzip = new GZipStream(gzipped, CompressionLevel.NoCompression, leaveOpen: true))
        {
            gzip.Write(tar.GetBuffer(), 0, (int)tar.Length);
        }
        var span = gzipped.GetBuffer().AsSpan(0, (int)gzipped.Length);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(span));
        using (var file = File.Create(Path.Combine(blobs, digest["sha256:".Length..])))
        {
            file.Write(span);
        }
        return (diffId, digest, gzipped.Length);
    }

    private static string WriteBlob(string blobs, byte[] content)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        File.WriteAllBytes(Path.Combine(blobs, digest["sha256:".Length..]), content);
        return digest;
    }

    private static void Descriptor(Utf8JsonWriter json, string? property, string mediaType, string digest, long size)
    {
        if (property is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(property);
        }
        json.WriteString("mediaType", mediaType);
        json.WriteString("digest", digest);
        json.WriteNumber("size", size);
        json.WriteEndObject();
    }

    private static byte[] Json(Action<Utf8JsonWriter> properties)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            properties(json);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
