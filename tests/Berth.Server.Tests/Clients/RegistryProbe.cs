using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Berth.Server.Tests.Clients.Images;

namespace Berth.Server.Tests.Clients;

/// <summary>Reads Berth over plain HTTP, to check what a client pushed against what the test built.</summary>
public sealed class RegistryProbe(HttpClient client)
{
    private static readonly string[] AllManifestTypes =
        [OciMediaTypes.ImageManifest, OciMediaTypes.ImageIndex, OciMediaTypes.DockerManifest, OciMediaTypes.DockerManifestList];

    /// <summary>GET /v2/&lt;name&gt;/manifests/&lt;reference&gt; accepting every manifest type; asserts 200 and a digest that matches the body.</summary>
    public Task<ServedManifest> GetManifestAsync(string repository, string reference) =>
        GetManifestAsync(repository, reference, AllManifestTypes);

    public async Task<ServedManifest> GetManifestAsync(string repository, string reference, params string[] accept)
    {
        using var response = await SendManifestGetAsync(repository, reference, accept);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET manifest {repository}:{reference} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        var digest = response.Headers.GetValues("Docker-Content-Digest").Single();
        Assert.Equal(OciLayoutWriter.DigestOf(body), digest);
        return new ServedManifest(digest, response.Content.Headers.ContentType?.MediaType ?? string.Empty, body);
    }

    public async Task<HttpStatusCode> GetManifestStatusAsync(string repository, string reference)
    {
        using var response = await SendManifestGetAsync(repository, reference, AllManifestTypes);
        return response.StatusCode;
    }

    /// <summary>GET /v2/&lt;name&gt;/blobs/&lt;digest&gt;; asserts 200.</summary>
    public async Task<byte[]> GetBlobAsync(string repository, string digest)
    {
        using var response = await client.GetAsync(new Uri($"v2/{repository}/blobs/{digest}", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET blob {repository}@{digest} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;: the (digest, artifactType) of every listed manifest.</summary>
    public async Task<IReadOnlyList<(string Digest, string? ArtifactType)>> GetReferrersAsync(string repository, string subjectDigest)
    {
        using var response = await client.GetAsync(new Uri($"v2/{repository}/referrers/{subjectDigest}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var index = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => (m.GetProperty("digest").GetString()!, m.TryGetProperty("artifactType", out var type) ? type.GetString() : null))
            .ToList();
    }

    /// <summary>Asserts that Berth serves every blob of <paramref name="image"/> in <paramref name="repository"/> byte for byte.</summary>
    public async Task AssertHoldsBlobsAsync(string repository, TestImage image, string layoutDirectory)
    {
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(layoutDirectory, blob.Digest), await GetBlobAsync(repository, blob.Digest));
        }
    }

    /// <summary>
    /// Asserts that the layers <paramref name="manifest"/> lists, as Berth serves them, decompress to exactly the tars
    /// the test built: for clients that recompress on push, this is what "the same content" means.
    /// </summary>
    public async Task AssertLayersMatchAsync(string repository, ServedManifest manifest, TestImage image)
    {
        using var document = JsonDocument.Parse(manifest.Content);
        var layers = document.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToList();
        var diffIds = new List<string>();
        foreach (var layer in layers)
        {
            using var gzip = new GZipStream(new MemoryStream(await GetBlobAsync(repository, layer)), CompressionMode.Decompress);
            diffIds.Add($"sha256:{Convert.ToHexStringLower(await SHA256.HashDataAsync(gzip))}");
        }

        Assert.Equal(image.DiffIds, diffIds);
    }

    private async Task<HttpResponseMessage> SendManifestGetAsync(string repository, string reference, string[] accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"v2/{repository}/manifests/{reference}", UriKind.Relative));
        foreach (var type in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        return await client.SendAsync(request);
    }
}
