using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Oci;

public sealed class ManifestTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Client => _server.Client;

    [Fact]
    public async Task AManifestPutByTagIsReturnedByteForByteByTagAndByDigest()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (manifest, digest) = await Client.PushImageAsync(repository, "v1");

        foreach (var reference in new[] { "v1", digest })
        {
            using var response = await Client.GetAsync($"/v2/{repository}/manifests/{reference}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(OciTestClient.OciManifest, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        }
    }

    [Fact]
    public async Task APutAnswers201WithLocationAndDigest()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var manifest = OciTestClient.ImageManifest(config, 2, []);

        using var response = await Client.PutManifestAsync(repository, "latest", manifest, OciTestClient.OciManifest);

        var digest = OciTestClient.DigestOf(manifest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v2/{repository}/manifests/{digest}", response.Headers.Location!.OriginalString);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task HeadOfAManifestGivesItsLengthTypeAndDigest()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (manifest, digest) = await Client.PushImageAsync(repository, "v1");

        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/manifests/v1");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(manifest.Length, response.Content.Headers.ContentLength);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(OciTestClient.OciManifest, response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task APutByDigestIsVerifiedAgainstTheBytes()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var manifest = OciTestClient.ImageManifest(config, 2, []);

        using var wrong = await Client.PutManifestAsync(repository, OciTestClient.DigestOf([1]), manifest, OciTestClient.OciManifest);
        using var right = await Client.PutManifestAsync(repository, OciTestClient.DigestOf(manifest), manifest, OciTestClient.OciManifest);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("DIGEST_INVALID", await OciTestClient.ErrorCodeAsync(wrong));
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
    }

    [Fact]
    public async Task AManifestReferencingAnUnknownBlobIsManifestBlobUnknownAndNothingIsStored()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var manifest = OciTestClient.ImageManifest(config, 2, [(OciTestClient.DigestOf([9, 9]), 2)]);

        using var response = await Client.PutManifestAsync(repository, "v1", manifest, OciTestClient.OciManifest);
        using var get = await Client.GetAsync($"/v2/{repository}/manifests/v1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task AnIndexReferencingAnUnknownManifestIsManifestUnknown()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var index = OciTestClient.Index([(OciTestClient.DigestOf([1, 2, 3]), 3)]);

        using var response = await Client.PutManifestAsync(repository, "multi", index, OciTestClient.OciIndex);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData(OciTestClient.OciIndex, OciTestClient.OciManifest)]
    [InlineData(OciTestClient.DockerManifestList, OciTestClient.OciManifest)]
    public async Task AnIndexOfStoredManifestsIsStoredAndServed(string indexType, string childType)
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (amd64, amd64Digest) = await Client.PushImageAsync(repository, "amd64");
        var (arm64, arm64Digest) = await Client.PushImageAsync(repository, "arm64");
        var index = OciTestClient.Index([(amd64Digest, amd64.Length), (arm64Digest, arm64.Length)], indexType, childType);

        using var put = await Client.PutManifestAsync(repository, "multi", index, indexType);
        using var get = await Client.GetAsync($"/v2/{repository}/manifests/multi");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(index, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(indexType, get.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AManifestWithASubjectIsAcceptedEvenWhenTheSubjectIsAbsentAndAnswersOciSubject()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var subject = OciTestClient.DigestOf(Encoding.UTF8.GetBytes("no such manifest"));

        var (_, _) = await Client.PushImageAsync(repository, "sig", subject: new { mediaType = OciTestClient.OciManifest, digest = subject, size = 16 });
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var manifest = OciTestClient.ImageManifest(config, 2, [], subject: new { mediaType = OciTestClient.OciManifest, digest = subject, size = 16 }, artifactType: "application/example");
        using var response = await Client.PutManifestAsync(repository, OciTestClient.DigestOf(manifest), manifest, OciTestClient.OciManifest);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(subject, response.Headers.GetValues("OCI-Subject").Single());
    }

    [Fact]
    public async Task AManifestWithoutMediaTypeTakesItsTypeFromTheContentTypeAsPodmanSends()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var manifest = OciTestClient.ImageManifest(config, 2, [], includeMediaType: false);

        using var put = await Client.PutManifestAsync(repository, "v1", manifest, OciTestClient.OciManifest);
        using var get = await Client.GetAsync($"/v2/{repository}/manifests/v1");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(OciTestClient.OciManifest, get.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AnArtifactWithACustomConfigMediaTypeIsAcceptedAsHelmPushesIt()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (_, digest) = await Client.PushImageAsync(repository, "0.1.0", configMediaType: "application/vnd.cncf.helm.config.v1+json");
        using var get = await Client.GetAsync($"/v2/{repository}/manifests/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Theory]
    [InlineData("not json", OciTestClient.OciManifest)]
    [InlineData("[1,2]", OciTestClient.OciManifest)]
    [InlineData("{\"schemaVersion\":1}", OciTestClient.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}", OciTestClient.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"layers\":[]}", OciTestClient.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:x\",\"size\":1},\"layers\":[]}", OciTestClient.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"size\":1},\"layers\":[]}", OciTestClient.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"manifests\":[]}", "application/json")]
    [InlineData("{\"schemaVersion\":2,\"manifests\":[]}", null)]
    public async Task AnInvalidManifestIsManifestInvalid(string body, string? contentType)
    {
        using var response = await Client.PutManifestAsync(BerthTestServer.NewRepositoryName(), "bad", Encoding.UTF8.GetBytes(body), contentType);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task AManifestOverFourMebibytesIs413()
    {
        var padding = new string('a', 4 * 1024 * 1024);
        var body = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"manifests\":[],\"annotations\":{{\"pad\":\"{padding}\"}}}}");
        using var response = await Client.PutManifestAsync(BerthTestServer.NewRepositoryName(), "big", body, OciTestClient.OciIndex);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("GET", "sha256:123")]
    [InlineData("PUT", "sha256:123")]
    [InlineData("DELETE", "sha256:123")]
    [InlineData("HEAD", "sha256:ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    public async Task AMalformedDigestInAManifestUrlIsA400(string method, string reference)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v2/{BerthTestServer.NewRepositoryName()}/manifests/{reference}");
        if (method == "PUT")
        {
            request.Content = new ByteArrayContent("{}"u8.ToArray());
        }

        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("-leadingdash")]
    [InlineData(".dot")]
    public async Task AnInvalidTagIsTagInvalid(string tag)
    {
        using var response = await Client.PutManifestAsync(BerthTestServer.NewRepositoryName(), tag, "{}"u8.ToArray(), OciTestClient.OciManifest);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("TAG_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("x\\udfff")]
    [InlineData("\xFF")]
    [InlineData("\xED\xA0\x80")]
    public async Task IllFormedTextInAnAnnotationIsManifestInvalidAndNothingIsStored(string annotation)
    {
        var repository = BerthTestServer.NewRepositoryName();
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var valid = Encoding.UTF8.GetString(OciTestClient.ImageManifest(config, 2, [], annotations: new Dictionary<string, string> { ["a"] = "PLACEHOLDER" }));
        // Each char up to U+00FF stands for one byte, so the manifest can hold invalid UTF-8.
        var manifest = Encoding.Latin1.GetBytes(valid.Replace("PLACEHOLDER", annotation, StringComparison.Ordinal));

        using var put = await Client.PutManifestAsync(repository, "bad", manifest, OciTestClient.OciManifest);
        using var get = await Client.GetAsync($"/v2/{repository}/manifests/bad");

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await OciTestClient.ErrorCodeAsync(put));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2047)]
    [InlineData(4096)]
    public async Task ALayerDeclaredWithAnotherSizeThanItsBlobIsManifestInvalid(long declared)
    {
        var repository = BerthTestServer.NewRepositoryName();
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var layer = await Client.PushBlobAsync(repository, OciTestClient.RandomBytes(2048));
        var manifest = OciTestClient.ImageManifest(config, 2, [(layer, declared)]);

        using var put = await Client.PutManifestAsync(repository, "lying", manifest, OciTestClient.OciManifest);
        using var get = await Client.GetAsync($"/v2/{repository}/manifests/lying");

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await OciTestClient.ErrorCodeAsync(put));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task AConfigDeclaredWithAnotherSizeThanItsBlobIsManifestInvalid()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());

        using var put = await Client.PutManifestAsync(repository, "lying", OciTestClient.ImageManifest(config, 3, []), OciTestClient.OciManifest);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await OciTestClient.ErrorCodeAsync(put));
    }

    [Fact]
    public async Task ATagWithATrailingNewlineIsRefusedAndNothingIsStored()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var config = await Client.PushBlobAsync(repository, "{}"u8.ToArray());
        var manifest = OciTestClient.ImageManifest(config, 2, []);

        using var put = await Client.PutManifestAsync(repository, "nl%0A", manifest, OciTestClient.OciManifest);
        using var tags = await Client.GetAsync($"/v2/{repository}/tags/list");

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("TAG_INVALID", await OciTestClient.ErrorCodeAsync(put));
        Assert.DoesNotContain("nl", await tags.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", ".INVALID")]
    [InlineData("HEAD", ".INVALID")]
    [InlineData("GET", "-dash")]
    [InlineData("GET", "nl%0A")]
    public async Task AReferenceThatIsNeitherATagNorADigestIsAnUnknownManifest(string method, string reference)
    {
        var repository = BerthTestServer.NewRepositoryName();
        await Client.PushImageAsync(repository, "v1");

        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v2/{repository}/manifests/{reference}");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        if (method == "GET")
        {
            Assert.Equal("MANIFEST_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
        }
    }

    [Fact]
    public async Task AnUnknownManifestIsManifestUnknownAndAnUnknownRepositoryIsNameUnknown()
    {
        var repository = BerthTestServer.NewRepositoryName();
        await Client.PushImageAsync(repository, "v1");

        using var unknownTag = await Client.GetAsync($"/v2/{repository}/manifests/v2");
        using var unknownRepository = await Client.GetAsync($"/v2/{BerthTestServer.NewRepositoryName()}/manifests/v1");

        Assert.Equal(HttpStatusCode.NotFound, unknownTag.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", await OciTestClient.ErrorCodeAsync(unknownTag));
        Assert.Equal(HttpStatusCode.NotFound, unknownRepository.StatusCode);
        Assert.Equal("NAME_UNKNOWN", await OciTestClient.ErrorCodeAsync(unknownRepository));
    }

    [Fact]
    public async Task AClientThatAcceptsOnlyOtherManifestTypesGetsManifestUnknown()
    {
        // An index (which is never converted, see ManifestConversionTests) asked for as anything but an index.
        var repository = BerthTestServer.NewRepositoryName();
        var (child, childDigest) = await Client.PushImageAsync(repository, "child");
        using (var put = await Client.PutManifestAsync(repository, "v1", OciTestClient.Index([(childDigest, child.Length)]), OciTestClient.OciIndex))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/v1");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciTestClient.DockerManifest));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciTestClient.DockerManifestList));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciTestClient.OciManifest));
        using var refused = await Client.SendAsync(request);
        using var wildcard = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/v1");
        wildcard.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciTestClient.DockerManifest));
        wildcard.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        using var served = await Client.SendAsync(wildcard);

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", await OciTestClient.ErrorCodeAsync(refused));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task DeletingByDigestRemovesTheManifestAndItsTags()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (_, digest) = await Client.PushImageAsync(repository, "v1");

        using var delete = await Client.DeleteAsync($"/v2/{repository}/manifests/{digest}");
        using var byDigest = await Client.GetAsync($"/v2/{repository}/manifests/{digest}");
        using var byTag = await Client.GetAsync($"/v2/{repository}/manifests/v1");
        var tags = await Client.GetStringAsync($"/v2/{repository}/tags/list");

        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byDigest.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byTag.StatusCode);
        Assert.DoesNotContain("v1", tags, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingByTagRemovesOnlyTheTag()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var (_, digest) = await Client.PushImageAsync(repository, "v1");

        using var delete = await Client.DeleteAsync($"/v2/{repository}/manifests/v1");
        using var byTag = await Client.GetAsync($"/v2/{repository}/manifests/v1");
        using var byDigest = await Client.GetAsync($"/v2/{repository}/manifests/{digest}");
        using var again = await Client.DeleteAsync($"/v2/{repository}/manifests/v1");

        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byTag.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", await OciTestClient.ErrorCodeAsync(again));
    }

    [Fact]
    public async Task RetaggingMovesTheTagToTheNewManifest()
    {
        var repository = BerthTestServer.NewRepositoryName();
        await Client.PushImageAsync(repository, "latest");
        var (_, second) = await Client.PushImageAsync(repository, "latest");

        using var response = await Client.GetAsync($"/v2/{repository}/manifests/latest");

        Assert.Equal(second, response.Headers.GetValues("Docker-Content-Digest").Single());
    }
}
