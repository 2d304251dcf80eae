using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Oci;

/// <summary>
/// ECR's manifest conversion over /v2/: pulled by tag with an Accept that lists only the other image manifest format,
/// a Docker v2 schema 2 manifest is served as an OCI manifest and back, with the converted bytes' own digest; by
/// digest, or when the content has no counterpart, nothing is converted.
/// </summary>
public sealed class ManifestConversionTests : IAsyncLifetime
{
    private const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    private const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Client => _server.Client;

    [Fact]
    public async Task ADockerManifestPulledByTagWithAnOciOnlyAcceptIsServedAsOciWithItsOwnDigest()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (docker, dockerDigest, config, layer) = await PushDockerImageAsync(repository, "v1");

        using var get = await GetAsync(HttpMethod.Get, repository, "v1", OciTestClient.OciManifest);
        var body = await get.Content.ReadAsByteArrayAsync();
        using var head = await GetAsync(HttpMethod.Head, repository, "v1", OciTestClient.OciManifest);
        using var again = await GetAsync(HttpMethod.Get, repository, "v1", OciTestClient.OciManifest);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(OciTestClient.OciManifest, get.Content.Headers.ContentType!.MediaType);
        var digest = OciTestClient.DigestOf(body);
        Assert.NotEqual(dockerDigest, digest);
        Assert.Equal(digest, get.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal($"\"{digest}\"", get.Headers.ETag!.Tag);
        Assert.Equal(body, await again.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(digest, head.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Equal(OciTestClient.OciManifest, head.Content.Headers.ContentType!.MediaType);

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal(OciTestClient.OciManifest, root.GetProperty("mediaType").GetString());
        Assert.Equal("application/vnd.oci.image.config.v1+json", root.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal(config, root.GetProperty("config").GetProperty("digest").GetString());
        var converted = Assert.Single(root.GetProperty("layers").EnumerateArray());
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", converted.GetProperty("mediaType").GetString());
        Assert.Equal(layer, converted.GetProperty("digest").GetString());

        // The stored manifest is untouched: an Accept that lists it, or none, gets the pushed bytes.
        using var stored = await GetAsync(HttpMethod.Get, repository, "v1", OciTestClient.OciManifest, OciTestClient.DockerManifest);
        Assert.Equal(docker, await stored.Content.ReadAsByteArrayAsync());
        Assert.Equal(dockerDigest, stored.Headers.GetValues("Docker-Content-Digest").Single());

        // The converted manifest is a valid image over the same blobs: it can be pushed under its own digest.
        using var put = await Client.PutManifestAsync(repository, digest, body, OciTestClient.OciManifest);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task AnOciManifestPulledByTagWithADockerOnlyAcceptIsServedAsDocker()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (oci, ociDigest) = await Client.PushImageAsync(repository, "v1");

        using var get = await GetAsync(HttpMethod.Get, repository, "v1", OciTestClient.DockerManifest);
        var body = await get.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(OciTestClient.DockerManifest, get.Content.Headers.ContentType!.MediaType);
        Assert.Equal(OciTestClient.DigestOf(body), get.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.NotEqual(ociDigest, OciTestClient.DigestOf(body));
        using var document = JsonDocument.Parse(body);
        Assert.Equal(DockerConfig, document.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal(DockerLayer, document.RootElement.GetProperty("layers")[0].GetProperty("mediaType").GetString());
        Assert.NotEqual(oci, body);
    }

    [Fact]
    public async Task APullByDigestIsNeverConverted()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (_, dockerDigest, _, _) = await PushDockerImageAsync(repository, "v1");

        using var get = await GetAsync(HttpMethod.Get, repository, dockerDigest, OciTestClient.OciManifest);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", await OciTestClient.ErrorCodeAsync(get));
    }

    [Fact]
    public async Task ContentWithoutACounterpartIsNotConverted()
    {
        var repository = BerthTestServer.NewRepositoryName();

        // Annotations have no place in a Docker manifest.
        await Client.PushImageAsync(repository, "annotated", annotations: new Dictionary<string, string> { ["org.opencontainers.image.title"] = "x" });

        // A zstd layer has no Docker media type.
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var layerBytes = OciTestClient.RandomBytes(64);
        var layer = await Client.PushBlobAsync(repository, layerBytes);
        var zstd = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{OciTestClient.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"{{layer}}","size":64}]}""");
        using (var put = await Client.PutManifestAsync(repository, "zstd", zstd, OciTestClient.OciManifest))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // An index is not converted to a manifest list.
        var (child, childDigest) = await Client.PushImageAsync(repository, "child");
        using (var put = await Client.PutManifestAsync(repository, "index", OciTestClient.Index([(childDigest, child.Length)]), OciTestClient.OciIndex))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        foreach (var (tag, accept) in new[] { ("annotated", OciTestClient.DockerManifest), ("zstd", OciTestClient.DockerManifest), ("index", "application/vnd.docker.distribution.manifest.list.v2+json") })
        {
            using var get = await GetAsync(HttpMethod.Get, repository, tag, accept);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal("MANIFEST_UNKNOWN", await OciTestClient.ErrorCodeAsync(get));
        }
    }

    /// <summary>Pushes a config and a layer, then a Docker v2 schema 2 manifest over them.</summary>
    private async Task<(byte[] Manifest, string Digest, string Config, string Layer)> PushDockerImageAsync(string repository, string tag)
    {
        var configBytes = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"u8.ToArray();
        var layerBytes = OciTestClient.RandomBytes(512);
        var config = await Client.PushBlobAsync(repository, configBytes);
        var layer = await Client.PushBlobAsync(repository, layerBytes);
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{OciTestClient.DockerManifest}}","config":{"mediaType":"{{DockerConfig}}","size":{{configBytes.Length}},"digest":"{{config}}"},"layers":[{"mediaType":"{{DockerLayer}}","size":{{layerBytes.Length}},"digest":"{{layer}}"}]}""");
        using var put = await Client.PutManifestAsync(repository, tag, manifest, OciTestClient.DockerManifest);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return (manifest, OciTestClient.DigestOf(manifest), config, layer);
    }

    private async Task<HttpResponseMessage> GetAsync(HttpMethod method, string repository, string reference, params string[] accept)
    {
        using var request = new HttpRequestMessage(method, $"/v2/{repository}/manifests/{reference}");
        foreach (var type in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        return await Client.SendAsync(request);
    }
}
