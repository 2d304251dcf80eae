using System.Text.Encodings.Web;
using System.Text.Json;
using Berth.Core.Content;

namespace Berth.Core.Manifests;

/// <summary>
/// ECR's manifest conversion (user guide, "Amazon ECR image manifest conversion"): a Docker Image Manifest V2 Schema 2
/// becomes an OCI image manifest and back when every part of it has a counterpart. The config and each layer map one to
/// one (docker container config ↔ OCI config, docker rootfs.diff.tar.gzip ↔ OCI layer tar+gzip, docker foreign layer ↔
/// OCI non-distributable layer); anything else — other layer types such as zstd or uncompressed tar, annotations,
/// subject, artifactType, platform or any member either format lacks — leaves the manifest unconvertible. Indexes and
/// manifest lists are never converted: their children would have to be converted too, and a child pulled by digest
/// never is.
/// <para>
/// The output is deterministic, so its digest is stable: members in the order of distribution's schema2 structs
/// (schemaVersion, mediaType, config, layers; a descriptor's mediaType, size, digest, urls), indented by three spaces
/// with "\n" line ends and no final newline, as distribution marshals a schema2 manifest, strings escaped only where
/// JSON requires it. ECR's exact bytes are not documented: this layout is a guess.
/// </para>
/// </summary>
public static class ManifestConverter
{
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciNondistributableLayer = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

    private static readonly (string Docker, string Oci)[] Configs = [(DockerConfig, OciConfig)];
    private static readonly (string Docker, string Oci)[] Layers = [(DockerLayer, OciLayer), (DockerForeignLayer, OciNondistributableLayer)];

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentCharacter = ' ',
        IndentSize = 3,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The format a manifest of <paramref name="mediaType"/> can be converted to, or null (indexes, lists).</summary>
    public static string? CounterpartOf(string mediaType) => mediaType switch
    {
        MediaTypes.DockerManifest => MediaTypes.OciManifest,
        MediaTypes.OciManifest => MediaTypes.DockerManifest,
        _ => null,
    };

    /// <summary>
    /// The bytes of the stored manifest <paramref name="content"/> (of <paramref name="mediaType"/>) in the
    /// <paramref name="target"/> format, or null when it cannot be converted without losing or inventing something.
    /// </summary>
    public static byte[]? TryConvert(ReadOnlyMemory<byte> content, string mediaType, string target)
    {
        if (CounterpartOf(mediaType) != target)
        {
            return null;
        }

        var toOci = target == MediaTypes.OciManifest;
        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            JsonElement? config = null;
            JsonElement? layers = null;
            foreach (var member in root.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "schemaVersion" when member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt32(out var version) && version == 2:
                        break;
                    case "mediaType" when member.Value.ValueKind == JsonValueKind.String && member.Value.GetString() == mediaType:
                        break;
                    case "config" when config is null:
                        config = member.Value;
                        break;
                    case "layers" when layers is null && member.Value.ValueKind == JsonValueKind.Array:
                        layers = member.Value;
                        break;
                    default:
                        // annotations, subject, artifactType or a member neither format defines.
                        return null;
                }
            }

            if (config is null || layers is null)
            {
                return null;
            }

            using var buffer = new MemoryStream(content.Length + 256);
            using (var json = new Utf8JsonWriter(buffer, WriterOptions))
            {
                json.WriteStartObject();
                json.WriteNumber("schemaVersion", 2);
                json.WriteString("mediaType", target);
                json.WritePropertyName("config");
                if (!WriteDescriptor(json, config.Value, Configs, toOci))
                {
                    return null;
                }

                json.WriteStartArray("layers");
                foreach (var layer in layers.Value.EnumerateArray())
                {
                    if (!WriteDescriptor(json, layer, Layers, toOci))
                    {
                        return null;
                    }
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            return buffer.ToArray();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool WriteDescriptor(Utf8JsonWriter json, JsonElement descriptor, (string Docker, string Oci)[] pairs, bool toOci)
    {
        if (descriptor.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? mediaType = null;
        string? digest = null;
        long? size = null;
        JsonElement? urls = null;
        foreach (var member in descriptor.EnumerateObject())
        {
            switch (member.Name)
            {
                case "mediaType" when mediaType is null && member.Value.ValueKind == JsonValueKind.String:
                    mediaType = member.Value.GetString();
                    break;
                case "digest" when digest is null && member.Value.ValueKind == JsonValueKind.String && Digest.TryParse(member.Value.GetString(), out _):
                    digest = member.Value.GetString();
                    break;
                case "size" when size is null && member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt64(out var value) && value >= 0:
                    size = value;
                    break;
                case "urls" when urls is null && member.Value.ValueKind == JsonValueKind.Array && member.Value.EnumerateArray().All(u => u.ValueKind == JsonValueKind.String):
                    urls = member.Value;
                    break;
                default:
                    // annotations, platform, artifactType, data: no counterpart in Docker's descriptor.
                    return false;
            }
        }

        var mapped = pairs.FirstOrDefault(p => (toOci ? p.Docker : p.Oci) == mediaType);
        if (mapped == default || digest is null || size is null)
        {
            return false;
        }

        json.WriteStartObject();
        json.WriteString("mediaType", toOci ? mapped.Oci : mapped.Docker);
        json.WriteNumber("size", size.Value);
        json.WriteString("digest", digest);
        if (urls is { } list)
        {
            json.WriteStartArray("urls");
            foreach (var url in list.EnumerateArray())
            {
                json.WriteStringValue(url.GetString());
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        return true;
    }
}
