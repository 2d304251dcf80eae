using System.Net;
using System.Net.Http.Headers;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Oci;

public sealed class BlobPullTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task HeadOfABlobReturnsItsLengthDigestAndEtagWithoutABody()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(4321);
        var digest = await _server.Client.PushBlobAsync(repository, content);

        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}");
        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4321, response.Content.Headers.ContentLength);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal($"\"{digest}\"", response.Headers.ETag!.Tag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GetOfABlobReturnsTheExactBytes()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(300_000);
        var digest = await _server.Client.PushBlobAsync(repository, content);

        using var response = await _server.Client.GetAsync($"/v2/{repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Theory]
    [InlineData("bytes=10-19", 10, 10)]
    [InlineData("bytes=990-", 990, 10)]
    [InlineData("bytes=-5", 995, 5)]
    [InlineData("bytes=995-5000", 995, 5)]
    public async Task ARangeRequestReturns206WithThatSlice(string range, int offset, int length)
    {
        var repository = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(1000);
        var digest = await _server.Client.PushBlobAsync(repository, content);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {offset}-{offset + length - 1}/1000", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(content.AsSpan(offset, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ARangeBeyondTheEndIs416WithTheSize()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var digest = await _server.Client.PushBlobAsync(repository, OciTestClient.RandomBytes(100));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/blobs/{digest}");
        request.Headers.Range = new RangeHeaderValue(100, 200);
        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */100", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task AnUnknownBlobIs404BlobUnknown()
    {
        var repository = BerthTestServer.NewRepositoryName();
        await _server.Client.PushBlobAsync(repository, OciTestClient.RandomBytes(10));

        using var response = await _server.Client.GetAsync($"/v2/{repository}/blobs/{OciTestClient.DigestOf(OciTestClient.RandomBytes(10))}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task ABlobPushedToAnotherRepositoryCannotBeReadByGuessingItsDigest()
    {
        var owner = BerthTestServer.NewRepositoryName();
        var other = BerthTestServer.NewRepositoryName();
        await _server.Client.PushBlobAsync(other, OciTestClient.RandomBytes(10));
        var digest = await _server.Client.PushBlobAsync(owner, OciTestClient.RandomBytes(10));

        using var response = await _server.Client.GetAsync($"/v2/{other}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("sha256:ZZ00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("md5:0123456789abcdef0123456789abcdef")]
    [InlineData("notadigest")]
    public async Task AMalformedDigestInABlobUrlIs400DigestInvalid(string digest)
    {
        using var response = await _server.Client.GetAsync($"/v2/{BerthTestServer.NewRepositoryName()}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("DIGEST_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task DeletingABlobAnswers202AndItIsGoneFromTheRepository()
    {
        var repository = BerthTestServer.NewRepositoryName();
        var digest = await _server.Client.PushBlobAsync(repository, OciTestClient.RandomBytes(50));

        using var delete = await _server.Client.DeleteAsync($"/v2/{repository}/blobs/{digest}");
        using var get = await _server.Client.GetAsync($"/v2/{repository}/blobs/{digest}");
        using var again = await _server.Client.DeleteAsync($"/v2/{repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }
}
