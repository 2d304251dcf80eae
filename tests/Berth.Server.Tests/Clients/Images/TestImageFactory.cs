using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Berth.Server.Tests.Clients.Images;

/// <summary>
/// Builds small, unique test images offline (nothing can be pulled from outside): real gzip'd tar layers of random
/// bytes, an OCI config whose rootfs.diff_ids are the digests of the uncompressed tars, indexes and artifacts.
/// Every call produces content no other test has, so blobs never collide between tests.
/// </summary>
public static class TestImageFactory
{
    /// <summary>The empty descriptor's content, "{}" (image-spec manifest.md, "Guidance for an Empty Descriptor").</summary>
    public static readonly byte[] EmptyJson = "{}"u8.ToArray();

    /// <summary>The architecture of this machine as OCI names it; the one a daemon here pulls from an index and can unpack.</summary>
    public static string NativeArchitecture => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64";

    private static readonly DateTimeOffset Created = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Writes a linux image for <paramref name="architecture"/> with <paramref name="layerCount"/> layers of about
    /// <paramref name="layerBytes"/> bytes each. With <paramref name="omitMediaType"/> the manifest has no mediaType
    /// field, as podman and buildah write them. With <paramref name="onTopOf"/> the image starts with that image's
    /// layers (a shared base), then adds its own.
    /// </summary>
    public static TestImage WriteImage(OciLayoutWriter layout, string architecture = "amd64", int layerCount = 2, int layerBytes = 96 * 1024, bool omitMediaType = false, TestImage? onTopOf = null)
    {
        var layers = new List<OciDescriptor>(onTopOf?.Layers ?? []);
        var diffIds = new List<string>(onTopOf?.DiffIds ?? []);
        var first = layers.Count;
        for (var i = first; i < first + layerCount; i++)
        {
            var tar = CreateTar(i, layerBytes);
            diffIds.Add(OciLayoutWriter.DigestOf(tar));
            layers.Add(layout.WriteBlob(OciMediaTypes.LayerGzip, Gzip(tar)));
        }

        var config = layout.WriteBlob(OciMediaTypes.ImageConfig, Json(json =>
        {
            json.WriteString("created", Created);
            json.WriteString("architecture", architecture);
            if (architecture == "arm64")
            {
                json.WriteString("variant", "v8");
            }

            json.WriteString("os", "linux");
            json.WriteStartObject("config");
            json.WriteStartArray("Env");
            json.WriteStringValue("PATH=/usr/local/bin:/usr/bin:/bin");
            json.WriteEndArray();
            json.WriteStartObject("Labels");
            json.WriteString("berth.test.id", Guid.NewGuid().ToString("N"));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("rootfs");
            json.WriteString("type", "layers");
            json.WriteStartArray("diff_ids");
            diffIds.ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("history");
            for (var i = 0; i < layers.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("created", Created);
                json.WriteString("created_by", $"berth test layer {i}");
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }));

        var manifest = Json(json =>
        {
            json.WriteNumber("schemaVersion", 2);
            if (!omitMediaType)
            {
                json.WriteString("mediaType", OciMediaTypes.ImageManifest);
            }

            WriteDescriptor(json, "config", config);
            json.WriteStartArray("layers");
            layers.ForEach(layer => WriteDescriptor(json, null, layer));
            json.WriteEndArray();
        });
        var descriptor = layout.WriteBlob(OciMediaTypes.ImageManifest, manifest);
        return new TestImage(descriptor.Digest, manifest, architecture, config, layers, diffIds);
    }

    /// <summary>Writes one image per architecture and an OCI image index listing them with their platforms.</summary>
    public static TestIndex WriteIndex(OciLayoutWriter layout, params string[] architectures)
    {
        var images = architectures.Select(architecture => WriteImage(layout, architecture)).ToList();
        var index = Json(json =>
        {
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", OciMediaTypes.ImageIndex);
            json.WriteStartArray("manifests");
            foreach (var image in images)
            {
                json.WriteStartObject();
                json.WriteString("mediaType", OciMediaTypes.ImageManifest);
                json.WriteString("digest", image.ManifestDigest);
                json.WriteNumber("size", image.Manifest.Length);
                json.WriteStartObject("platform");
                json.WriteString("architecture", image.Architecture);
                json.WriteString("os", "linux");
                if (image.Architecture == "arm64")
                {
                    json.WriteString("variant", "v8");
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
        var descriptor = layout.WriteBlob(OciMediaTypes.ImageIndex, index);
        return new TestIndex(descriptor.Digest, index, images);
    }

    /// <summary>
    /// Writes an artifact (image-spec v1.1: artifactType set, config the empty descriptor, one layer of JSON) whose
    /// subject is <paramref name="subject"/>, so the registry must list it under the subject's referrers.
    /// </summary>
    public static TestArtifact WriteArtifact(OciLayoutWriter layout, TestImage subject, string artifactType)
    {
        var empty = layout.WriteBlob(OciMediaTypes.Empty, EmptyJson);
        var layer = layout.WriteBlob(artifactType, Json(json => json.WriteString("signed", subject.ManifestDigest)));
        var manifest = Json(json =>
        {
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", OciMediaTypes.ImageManifest);
            json.WriteString("artifactType", artifactType);
            WriteDescriptor(json, "config", empty);
            json.WriteStartArray("layers");
            WriteDescriptor(json, null, layer);
            json.WriteEndArray();
            WriteDescriptor(json, "subject", subject.Descriptor);
            json.WriteStartObject("annotations");
            json.WriteString("org.opencontainers.image.created", Created);
            json.WriteEndObject();
        });
        var descriptor = layout.WriteBlob(OciMediaTypes.ImageManifest, manifest);
        return new TestArtifact(descriptor.Digest, manifest, artifactType, subject.ManifestDigest, layer);
    }

    private static byte[] CreateTar(int layer, int size)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            var directory = $"berth/layer{layer}/";
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory) { ModificationTime = Created, Mode = (UnixFileMode)Convert.ToInt32("755", 8) });
            foreach (var name in new[] { "a.bin", "b.bin" })
            {
                using var content = new MemoryStream(RandomNumberGenerator.GetBytes(size / 2));
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, directory + name)
                {
                    ModificationTime = Created,
                    Mode = (UnixFileMode)Convert.ToInt32("644", 8),
                    DataStream = content,
                });
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    private static byte[] Json(Action<Utf8JsonWriter> writeProperties)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            writeProperties(json);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteDescriptor(Utf8JsonWriter json, string? property, OciDescriptor descriptor)
    {
        if (property is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(property);
        }

        json.WriteString("mediaType", descriptor.MediaType);
        json.WriteString("digest", descriptor.Digest);
        json.WriteNumber("size", descriptor.Size);
        json.WriteEndObject();
    }
}
