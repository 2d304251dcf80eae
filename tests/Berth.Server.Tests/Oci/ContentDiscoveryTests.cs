using System.Net;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Oci;

public sealed class ContentDiscoveryTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Client => _server.Client;

    [Fact]
    public async Task TagsAreListedInLexicalOrder()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (manifest, _) = await Client.PushImageAsync(repository, "b");
        foreach (var tag in new[] { "a", "C", "a1", "_z" })
        {
            using var put = await Client.PutManifestAsync(repository, tag, manifest, OciTestClient.OciManifest);
        }

        var (name, tags) = await ReadTagsAsync($"/v2/{repository}/tags/list");

        Assert.Equal(repository, name);
        Assert.Equal(["C", "_z", "a", "a1", "b"], tags);
    }

    [Fact]
    public async Task TagsArePagedWithNAndLastAndALinkHeader()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (manifest, _) = await Client.PushImageAsync(repository, "t0");
        foreach (var tag in new[] { "t1", "t2", "t3", "t4" })
        {
            using var put = await Client.PutManifestAsync(repository, tag, manifest, OciTestClient.OciManifest);
        }

        using var first = await Client.GetAsync($"/v2/{repository}/tags/list?n=2");
        Assert.Equal(["t0", "t1"], await TagsOfAsync(first));
        var link = first.Headers.GetValues("Link").Single();
        Assert.Equal($"</v2/{repository}/tags/list?n=2&last=t1>; rel=\"next\"", link);

        using var second = await Client.GetAsync(link[1..link.IndexOf('>', StringComparison.Ordinal)]);
        Assert.Equal(["t2", "t3"], await TagsOfAsync(second));

        using var last = await Client.GetAsync($"/v2/{repository}/tags/list?n=2&last=t3");
        Assert.Equal(["t4"], await TagsOfAsync(last));
        Assert.False(last.Headers.Contains("Link"));

        using var onlyLast = await Client.GetAsync($"/v2/{repository}/tags/list?last=t2");
        Assert.Equal(["t3", "t4"], await TagsOfAsync(onlyLast));
    }

    [Fact]
    public async Task NOfZeroReturnsAnEmptyListWithoutALink()
    {
        var repository = BerthTestServer.NewRepositoryName();
        await Client.PushImageAsync(repository, "v1");

        using var response = await Client.GetAsync($"/v2/{repository}/tags/list?n=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await TagsOfAsync(response));
        Assert.False(response.Headers.Contains("Link"));
    }

    [Theory]
    [InlineData("n=-1")]
    [InlineData("n=abc")]
    public async Task AnInvalidNIsA400(string query)
    {
        var repository = BerthTestServer.NewRepositoryName();
        await Client.PushImageAsync(repository, "v1");
        using var response = await Client.GetAsync($"/v2/{repository}/tags/list?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task TagsOfAnUnknownRepositoryAreNameUnknown()
    {
        using var response = await Client.GetAsync($"/v2/{BerthTestServer.NewRepositoryName()}/tags/list");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NAME_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task TheCatalogListsRepositoriesInOrderAndPages()
    {
        await using var server = await BerthTestServer.StartAsync();
        foreach (var name in new[] { "zeta/app", "alpha/app", "mid/app" })
        {
            await server.Client.PushImageAsync(name, "v1");
        }

        using var first = await server.Client.GetAsync("/v2/_catalog?n=2");
        using var rest = await server.Client.GetAsync("/v2/_catalog?n=2&last=mid/app");

        Assert.Equal(["alpha/app", "mid/app"], await RepositoriesOfAsync(first));
        Assert.Equal("</v2/_catalog?n=2&last=mid%2Fapp>; rel=\"next\"", first.Headers.GetValues("Link").Single());
        Assert.Equal(["zeta/app"], await RepositoriesOfAsync(rest));
    }

    [Fact]
    public async Task ReferrersListTheManifestsWhoseSubjectIsTheDigest()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (subject, subjectDigest) = await Client.PushImageAsync(repository, "app");
        var subjectDescriptor = new { mediaType = OciTestClient.OciManifest, digest = subjectDigest, size = subject.Length };
        var annotations = new Dictionary<string, string> { ["org.example.kind"] = "sbom" };
        var (sbom, sbomDigest) = await Client.PushImageAsync(repository, "sbom", subjectDescriptor, "application/vnd.example.sbom", annotations);
        var (sig, sigDigest) = await Client.PushImageAsync(repository, "sig", subjectDescriptor, configMediaType: "application/vnd.example.sig.config");
        await Client.PushImageAsync(repository, "unrelated");

        using var response = await Client.GetAsync($"/v2/{repository}/referrers/{subjectDigest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OciTestClient.OciIndex, response.Content.Headers.ContentType!.MediaType);
        using var index = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, index.RootElement.GetProperty("schemaVersion").GetInt32());
        var manifests = index.RootElement.GetProperty("manifests").EnumerateArray().ToDictionary(m => m.GetProperty("digest").GetString()!);
        Assert.Equal(2, manifests.Count);
        Assert.Equal("application/vnd.example.sbom", manifests[sbomDigest].GetProperty("artifactType").GetString());
        Assert.Equal(sbom.Length, manifests[sbomDigest].GetProperty("size").GetInt64());
        Assert.Equal("sbom", manifests[sbomDigest].GetProperty("annotations").GetProperty("org.example.kind").GetString());
        Assert.Equal("application/vnd.example.sig.config", manifests[sigDigest].GetProperty("artifactType").GetString());
        Assert.Equal(sig.Length, manifests[sigDigest].GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task ReferrersFilteredByArtifactTypeSayTheFilterWasApplied()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (subject, subjectDigest) = await Client.PushImageAsync(repository, "app");
        var subjectDescriptor = new { mediaType = OciTestClient.OciManifest, digest = subjectDigest, size = subject.Length };
        var (_, sbomDigest) = await Client.PushImageAsync(repository, "sbom", subjectDescriptor, "application/vnd.example.sbom");
        await Client.PushImageAsync(repository, "sig", subjectDescriptor, "application/vnd.example.sig");

        using var response = await Client.GetAsync($"/v2/{repository}/referrers/{subjectDigest}?artifactType=application/vnd.example.sbom");

        Assert.Equal("artifactType", response.Headers.GetValues("OCI-Filters-Applied").Single());
        using var index = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([sbomDigest], index.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()));
    }

    [Fact]
    public async Task ReferrersOfAnUnknownSubjectOrRepositoryAreAnEmptyIndex()
    {
        using var response = await Client.GetAsync($"/v2/{BerthTestServer.NewRepositoryName()}/referrers/{OciTestClient.DigestOf([1])}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var index = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, index.RootElement.GetProperty("manifests").GetArrayLength());
    }

    [Fact]
    public async Task ReferrersOfAMalformedDigestAreA400()
    {
        using var response = await Client.GetAsync($"/v2/{BerthTestServer.NewRepositoryName()}/referrers/sha256:nothex");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("DIGEST_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }

    private async Task<(string Name, string[] Tags)> ReadTagsAsync(string path)
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync(path));
        return (document.RootElement.GetProperty("name").GetString()!,
            document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
    }

    private static async Task<string[]> TagsOfAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray();
    }

    private static async Task<string[]> RepositoriesOfAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("repositories").EnumerateArray().Select(t => t.GetString()!).ToArray();
    }
}
