using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Berth.Server.Tests.Infrastructure;

/// <summary>Small HTTP conveniences for protocol tests: push blobs and manifests the way the spec describes.</summary>
public static class OciTestClient
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Monolithic upload: POST ?digest= with the body. Asserts 201.</summary>
    public static async Task<string> PushBlobAsync(this HttpClient client, string repository, byte[] content)
    {
        var digest = DigestOf(content);
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    /// <summary>POST to start an upload; returns the Location. Asserts 202.</summary>
    public static async Task<string> StartUploadAsync(this HttpClient client, string repository)
    {
        using var response = await client.PostAsync($"/v2/{repository}/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    public static async Task<HttpResponseMessage> PutManifestAsync(this HttpClient client, string repository, string reference, byte[] manifest, string? contentType)
    {
        using var body = new ByteArrayContent(manifest);
        if (contentType is not null)
        {
            body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await client.PutAsync($"/v2/{repository}/manifests/{reference}", body);
    }

    /// <summary>Pushes a config and one layer, then an OCI image manifest referencing them; returns its bytes and digest.</summary>
    public static async Task<(byte[] Manifest, string Digest)> PushImageAsync(
        this HttpClient client, string repository, string reference, object? subject = null, string? artifactType = null,
        IDictionary<string, string>? annotations = null, string configMediaType = "application/vnd.oci.image.config.v1+json")
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"" + Guid.NewGuid() + "\"}");
        var layer = RandomBytes(1024);
        var configDigest = await client.PushBlobAsync(repository, config);
        var layerDigest = await client.PushBlobAsync(repository, layer);
        var manifest = ImageManifest(configDigest, config.Length, [(layerDigest, layer.Length)], subject, artifactType, annotations, configMediaType);
        using var response = await client.PutManifestAsync(repository, reference, manifest, OciManifest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (manifest, DigestOf(manifest));
    }

    public static byte[] ImageManifest(
        string configDigest, long configSize, IEnumerable<(string Digest, long Size)> layers, object? subject = null, string? artifactType = null,
        IDictionary<string, string>? annotations = null, string configMediaType = "application/vnd.oci.image.config.v1+json", bool includeMediaType = true)
    {
        var document = new Dictionary<string, object?>
        {
            ["schemaVersion"] = 2,
        };
        if (includeMediaType)
        {
            document["mediaType"] = OciManifest;
        }

        if (artifactType is not null)
        {
            document["artifactType"] = artifactType;
        }

        document["config"] = new { mediaType = configMediaType, digest = configDigest, size = configSize };
        document["layers"] = layers.Select(l => new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = l.Digest, size = l.Size }).ToArray();
        if (subject is not null)
        {
            document["subject"] = subject;
        }

        if (annotations is not null)
        {
            document["annotations"] = annotations;
        }

        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    public static byte[] Index(IEnumerable<(string Digest, long Size)> manifests, string mediaType = OciIndex, string childMediaType = OciManifest) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType,
            manifests = manifests.Select(m => new { mediaType = childMediaType, digest = m.Digest, size = m.Size, platform = new { architecture = "amd64", os = "linux" } }).ToArray(),
        });

    /// <summary>The first OCI error code of a response body.</summary>
    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("errors")[0].GetProperty("code").GetString()!;
    }
}
