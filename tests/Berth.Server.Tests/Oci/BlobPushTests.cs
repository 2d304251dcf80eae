using System.Net;
using System.Net.Http.Headers;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Oci;

public sealed class BlobPushTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Client => _server.Client;

    [Fact]
    public async Task PostStartsAnUploadWithLocationUuidRangeAndChunkMinimum()
    {
        var repository = BerthTestServer.NewRepositoryName();
        using var response = await Client.PostAsync($"/v2/{repository}/blobs/uploads/", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var uuid = response.Headers.GetValues("Docker-Upload-UUID").Single();
        Assert.Equal($"/v2/{repository}/blobs/uploads/{uuid}", response.Headers.Location!.OriginalString);
        Assert.Equal("0-0", response.Headers.GetValues("Range").Single());
        Assert.True(long.Parse(response.Headers.GetValues("OCI-Chunk-Min-Length").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task AMonolithicPostWithDigestStoresTheBlob()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(5000);
        var digest = OciTestClient.DigestOf(content);

        using var body = new ByteArrayContent(content);
        using var response = await Client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v2/{repository}/blobs/{digest}", response.Headers.Location!.OriginalString);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(content, await Client.GetByteArrayAsync($"/v2/{repository}/blobs/{digest}"));
    }

    [Fact]
    public async Task PostThenPutWithTheWholeBodyStoresTheBlob()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(70_000);
        var digest = OciTestClient.DigestOf(content);
        var location = await Client.StartUploadAsync(repository);

        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Client.PutAsync($"{location}?digest={digest}", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(content, await Client.GetByteArrayAsync($"/v2/{repository}/blobs/{digest}"));
    }

    [Fact]
    public async Task ChunkedPatchesInOrderThenPutStoreTheBlob()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(30_000);
        var digest = OciTestClient.DigestOf(content);
        var location = await Client.StartUploadAsync(repository);

        using (var first = await PatchAsync(location, content, 0, 10_000))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal("0-9999", first.Headers.GetValues("Range").Single());
            location = first.Headers.Location!.OriginalString;
        }

        using (var second = await PatchAsync(location, content, 10_000, 10_000))
        {
            Assert.Equal("0-19999", second.Headers.GetValues("Range").Single());
        }

        // The last chunk travels with the closing PUT.
        using var last = new ByteArrayContent(content, 20_000, 10_000);
        last.Headers.ContentRange = null;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{location}?digest={digest}") { Content = last };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", "20000-29999");
        using var put = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await Client.GetByteArrayAsync($"/v2/{repository}/blobs/{digest}"));
    }

    [Fact]
    public async Task AnOutOfOrderChunkIs416WithTheCurrentRangeAndStatusStillAnswers204()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(3000);
        var location = await Client.StartUploadAsync(repository);
        using (await PatchAsync(location, content, 0, 1000))
        {
        }

        using var skipped = await PatchAsync(location, content, 2000, 1000);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, skipped.StatusCode);
        Assert.Equal("0-999", skipped.Headers.GetValues("Range").Single());

        using var status = await Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal("0-999", status.Headers.GetValues("Range").Single());
        Assert.Equal(location, status.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ARepeatedChunkIs416AndTheUploadStillCompletes()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(2000);
        var digest = OciTestClient.DigestOf(content);
        var location = await Client.StartUploadAsync(repository);
        using (await PatchAsync(location, content, 0, 1000))
        {
        }

        using var repeated = await PatchAsync(location, content, 0, 1000);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, repeated.StatusCode);

        using (var next = await PatchAsync(location, content, 1000, 1000))
        {
            Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        }

        using var put = await Client.PutAsync($"{location}?digest={digest}", null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await Client.GetByteArrayAsync($"/v2/{repository}/blobs/{digest}"));
    }

    [Fact]
    public async Task AStreamedPatchWithoutContentRangeAsDockerSendsStoresTheBlob()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(200_000);
        var digest = OciTestClient.DigestOf(content);
        var location = await Client.StartUploadAsync(repository);

        using var patch = await Client.PatchAsync(location, new ChunkedContent(content));
        Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        Assert.Equal("0-199999", patch.Headers.GetValues("Range").Single());

        using var put = await Client.PutAsync($"{patch.Headers.Location!.OriginalString}?digest={digest}", null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await Client.GetByteArrayAsync($"/v2/{repository}/blobs/{digest}"));
    }

    [Fact]
    public async Task ADigestMismatchStoresNothingAndIsDigestInvalid()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(1000);
        var claimed = OciTestClient.DigestOf(OciTestClient.RandomBytes(1000));
        var location = await Client.StartUploadAsync(repository);

        using var put = await Client.PutAsync($"{location}?digest={claimed}", new ByteArrayContent(content));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("DIGEST_INVALID", await OciTestClient.ErrorCodeAsync(put));
        using var get = await Client.GetAsync($"/v2/{repository}/blobs/{OciTestClient.DigestOf(content)}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        using var status = await Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_server.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AMonolithicPostWithTheWrongDigestStoresNothing()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(1000);
        var claimed = OciTestClient.DigestOf(OciTestClient.RandomBytes(10));

        using var response = await Client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={claimed}", new ByteArrayContent(content));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("DIGEST_INVALID", await OciTestClient.ErrorCodeAsync(response));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_server.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ClosingAnUploadWithoutADigestIsDigestInvalid()
    {
        var location = await Client.StartUploadAsync(BerthTestServer.NewRepositoryName());
        using var put = await Client.PutAsync(location, new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("DIGEST_INVALID", await OciTestClient.ErrorCodeAsync(put));
    }

    [Fact]
    public async Task DeletingAnUploadCancelsIt()
    {
        var location = await Client.StartUploadAsync(BerthTestServer.NewRepositoryName());

        using var delete = await Client.DeleteAsync(location);
        using var status = await Client.GetAsync(location);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal("BLOB_UPLOAD_UNKNOWN", await OciTestClient.ErrorCodeAsync(status));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task AnUnknownUploadIs404BlobUploadUnknown(string method)
    {
        var repository = BerthTestServer.NewRepositoryName();
        var digest = OciTestClient.DigestOf([1]);
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v2/{repository}/blobs/uploads/{Guid.NewGuid()}?digest={digest}");
        if (method is "PATCH" or "PUT")
        {
            request.Content = new ByteArrayContent([1]);
        }

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("BLOB_UPLOAD_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task AnUploadCannotBeContinuedThroughAnotherRepository()
    {
        var location = await Client.StartUploadAsync(BerthTestServer.NewRepositoryName());
        var id = location[(location.LastIndexOf('/') + 1)..];

        using var response = await Client.GetAsync($"/v2/{BerthTestServer.NewRepositoryName()}/blobs/uploads/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("BLOB_UPLOAD_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task AContentLengthThatDisagreesWithTheContentRangeIsRejected()
    {
        var location = await Client.StartUploadAsync(BerthTestServer.NewRepositoryName());
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(new byte[10]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", "0-19");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SIZE_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task AMalformedContentRangeIsBlobUploadInvalid()
    {
        var location = await Client.StartUploadAsync(BerthTestServer.NewRepositoryName());
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(new byte[10]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", "ten-twenty");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BLOB_UPLOAD_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task ASha512DigestIsAccepted()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(777);
        var digest = "sha512:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(content));

        using var response = await Client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", new ByteArrayContent(content));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(content, await Client.GetByteArrayAsync($"/v2/{repository}/blobs/{digest}"));
    }

    private async Task<HttpResponseMessage> PatchAsync(string location, byte[] content, int offset, int length)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(content, offset, length) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        return await Client.SendAsync(request);
    }
}
