using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Errors;

namespace Berth.Core.Manifests;

/// <summary>
/// Parses and validates manifests and indexes (Docker v2 schema 2, manifest list, OCI image manifest, OCI index).
/// Only the structure is checked here; whether referenced content exists is the image service's job.
/// </summary>
public static class ManifestParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>
    /// Validates <paramref name="content"/> pushed with the given Content-Type (parameters ignored).
    /// Throws <see cref="RegistryException"/> with MANIFEST_INVALID on any violation.
    /// </summary>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> content, string? contentType)
    {
        JsonDocument document;
        try
        {
            document = WellFormedJson.Parse(content, Options);
        }
        catch (JsonException e)
        {
            throw Invalid($"manifest is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("manifest must be a JSON object");
            }

            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number ||
                !version.TryGetInt32(out var schemaVersion) || schemaVersion != 2)
            {
                throw Invalid("schemaVersion must be 2");
            }

            var mediaType = ResolveMediaType(root, NormalizeContentType(contentType));
            var blobs = new List<Digest>();
            var declaredSizes = new Dictionary<Digest, long>();
            var manifests = new List<Digest>();
            string? artifactType = OptionalString(root, "artifactType");
            string? configMediaType = null;
            long imageSize = 0;
            if (MediaTypes.IsIndex(mediaType))
            {
                foreach (var child in RequiredArray(root, "manifests"))
                {
                    manifests.Add(ReadDescriptor(child, "manifests[]").Digest);
                }
            }
            else
            {
                if (!root.TryGetProperty("config", out var config))
                {
                    throw Invalid("an image manifest must have a config descriptor");
                }

                var configDescriptor = ReadDescriptor(config, "config");
                blobs.Add(configDescriptor.Digest);
                Declare(declaredSizes, configDescriptor);
                configMediaType = configDescriptor.MediaType;
                imageSize = configDescriptor.Size;
                if (string.IsNullOrEmpty(artifactType))
                {
                    artifactType = configDescriptor.MediaType;
                }

                foreach (var layer in RequiredArray(root, "layers"))
                {
                    var descriptor = ReadDescriptor(layer, "layers[]");
                    imageSize = AddSize(imageSize, descriptor.Size);
                    if (!IsForeign(layer))
                    {
                        blobs.Add(descriptor.Digest);
                        Declare(declaredSizes, descriptor);
                    }
                }
            }

            Digest? subject = null;
            if (root.TryGetProperty("subject", out var subjectElement) && subjectElement.ValueKind != JsonValueKind.Null)
            {
                subject = ReadDescriptor(subjectElement, "subject").Digest;
            }

            return new ParsedManifest(
                mediaType,
                Digest.Sha256Of(content.Span),
                content,
                blobs,
                manifests,
                subject,
                string.IsNullOrEmpty(artifactType) ? null : artifactType,
                ReadAnnotations(root),
                configMediaType,
                imageSize,
                declaredSizes);
        }
    }

    /// <summary>
    /// The media type each config and layer descriptor of a stored image manifest gives its blob (the first one when a
    /// blob is listed twice); empty for an index or content that is not a manifest.
    /// </summary>
    public static IReadOnlyDictionary<Digest, string> BlobMediaTypes(ReadOnlyMemory<byte> content)
    {
        var result = new Dictionary<Digest, string>();
        try
        {
            using var document = JsonDocument.Parse(content, Options);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            if (root.TryGetProperty("config", out var config))
            {
                AddMediaType(result, config);
            }

            if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
            {
                foreach (var layer in layers.EnumerateArray())
                {
                    AddMediaType(result, layer);
                }
            }
        }
        catch (JsonException)
        {
        }

        return result;
    }

    private static void AddMediaType(Dictionary<Digest, string> mediaTypes, JsonElement descriptor)
    {
        if (descriptor.ValueKind == JsonValueKind.Object &&
            descriptor.TryGetProperty("mediaType", out var type) && type.ValueKind == JsonValueKind.String &&
            descriptor.TryGetProperty("digest", out var digestText) && digestText.ValueKind == JsonValueKind.String &&
            Digest.TryParse(digestText.GetString(), out var digest))
        {
            mediaTypes.TryAdd(digest, type.GetString()!);
        }
    }

    /// <summary>Strips parameters and whitespace from a Content-Type value.</summary>
    public static string? NormalizeContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
    }

    private static string ResolveMediaType(JsonElement root, string? contentType)
    {
        var declared = OptionalString(root, "mediaType");
        if (declared is not null)
        {
            if (!MediaTypes.IsSupported(declared))
            {
                throw Invalid($"unsupported manifest media type '{declared}'");
            }

            // distribution-spec: a manifest with a mediaType field must be pushed with that Content-Type.
            if (contentType is not null && !string.Equals(contentType, declared, StringComparison.Ordinal))
            {
                throw Invalid($"the manifest's mediaType '{declared}' does not match the Content-Type '{contentType}'");
            }

            return declared;
        }

        // image-spec: mediaType is optional in OCI manifests and indexes; the Content-Type decides (podman relies on this).
        if (contentType is MediaTypes.OciManifest or MediaTypes.OciIndex)
        {
            return contentType;
        }

        throw Invalid(contentType is null
            ? "the manifest has no mediaType and the request has no Content-Type"
            : $"unsupported manifest media type '{contentType}'");
    }

    private static Descriptor ReadDescriptor(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path} must be a descriptor object");
        }

        var mediaType = OptionalString(element, "mediaType");
        if (string.IsNullOrEmpty(mediaType))
        {
            throw Invalid($"{path} must have a mediaType");
        }

        var digestText = OptionalString(element, "digest");
        if (!Digest.TryParse(digestText, out var digest))
        {
            throw Invalid($"{path} has an invalid digest '{digestText}'");
        }

        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number ||
            !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw Invalid($"{path} must have a non-negative integer size");
        }

        return new Descriptor(mediaType, digest, size, OptionalString(element, "artifactType"));
    }

    // Declared sizes are the client's word: summed unchecked, 2^62-byte layers made a negative imageSizeInBytes.
    private static long AddSize(long total, long size)
    {
        try
        {
            return checked(total + size);
        }
        catch (OverflowException)
        {
            throw Invalid("the declared sizes of the config and layers add up to more than 2^63-1 bytes");
        }
    }

    private static void Declare(Dictionary<Digest, long> sizes, Descriptor descriptor)
    {
        if (sizes.TryGetValue(descriptor.Digest, out var earlier) && earlier != descriptor.Size)
        {
            throw Invalid($"{descriptor.Digest} is declared with sizes {earlier} and {descriptor.Size}");
        }

        sizes[descriptor.Digest] = descriptor.Size;
    }

    private static JsonElement.ArrayEnumerator RequiredArray(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"'{name}' must be an array");
        }

        return array.EnumerateArray();
    }

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"'{name}' must be a string");
    }

    private static Dictionary<string, string>? ReadAnnotations(JsonElement root)
    {
        if (!root.TryGetProperty("annotations", out var annotations) || annotations.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (annotations.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("'annotations' must be an object");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in annotations.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"annotation '{property.Name}' must be a string");
            }

            result[property.Name] = property.Value.GetString()!;
        }

        return result;
    }

    // Foreign (non-distributable) layers live at their urls and are never pushed (image-spec layer.md).
    private static bool IsForeign(JsonElement layer) =>
        layer.TryGetProperty("urls", out var urls) && urls.ValueKind == JsonValueKind.Array && urls.GetArrayLength() > 0 &&
        OptionalString(layer, "mediaType") is { } type &&
        (type.Contains("foreign", StringComparison.Ordinal) || type.Contains("nondistributable", StringComparison.Ordinal));

    private static RegistryException Invalid(string detail) =>
        new(RegistryErrorCode.ManifestInvalid, detail);
}
