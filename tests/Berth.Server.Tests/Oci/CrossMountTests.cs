using System.Net;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Oci;

public sealed class CrossMountTests
{
    [Fact]
    public async Task MountingABlobTheSourceRepositoryHoldsAnswers201AndLinksIt()
    {
        await using var server = await BerthTestServer.StartAsync();
        var source = BerthTestServer.NewRepositoryName();
        var target = BerthTestServer.NewRepositoryName();
        var content = OciTestClient.RandomBytes(2048);
        var digest = await server.Client.PushBlobAsync(source, content);

        using var response = await server.Client.PostAsync($"/v2/{target}/blobs/uploads/?mount={digest}&from={source}", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v2/{target}/blobs/{digest}", response.Headers.Location!.OriginalString);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(content, await server.Client.GetByteArrayAsync($"/v2/{target}/blobs/{digest}"));
    }

    [Fact]
    public async Task MountingABlobTheSourceDoesNotHoldStartsAnUpload()
    {
        await using var server = await BerthTestServer.StartAsync();
        var source = BerthTestServer.NewRepositoryName();
        var target = BerthTestServer.NewRepositoryName();
        var elsewhere = await server.Client.PushBlobAsync(BerthTestServer.NewRepositoryName(), OciTestClient.RandomBytes(10));

        using var response = await server.Client.PostAsync($"/v2/{target}/blobs/uploads/?mount={elsewhere}&from={source}", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith($"/v2/{target}/blobs/uploads/", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var get = await server.Client.GetAsync($"/v2/{target}/blobs/{elsewhere}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task MountingWithoutFromStartsAnUploadWhenAutomaticCrossMountIsOff()
    {
        await using var server = await BerthTestServer.StartAsync();
        var digest = await server.Client.PushBlobAsync(BerthTestServer.NewRepositoryName(), OciTestClient.RandomBytes(10));

        var target = BerthTestServer.NewRepositoryName();
        using var response = await server.Client.PostAsync($"/v2/{target}/blobs/uploads/?mount={digest}", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var get = await server.Client.GetAsync($"/v2/{target}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task MountingWithoutFromLinksAnExistingBlobWhenAutomaticCrossMountIsOn()
    {
        await using var server = await BerthTestServer.StartAsync(new Dictionary<string, string?> { ["Berth:AutomaticCrossMount"] = "true" });
        var content = OciTestClient.RandomBytes(10);
        var digest = await server.Client.PushBlobAsync(BerthTestServer.NewRepositoryName(), content);
        var target = BerthTestServer.NewRepositoryName();

        using var response = await server.Client.PostAsync($"/v2/{target}/blobs/uploads/?mount={digest}", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(content, await server.Client.GetByteArrayAsync($"/v2/{target}/blobs/{digest}"));
    }

    [Fact]
    public async Task AMountWithAMalformedDigestIsDigestInvalid()
    {
        await using var server = await BerthTestServer.StartAsync();
        using var response = await server.Client.PostAsync($"/v2/{BerthTestServer.NewRepositoryName()}/blobs/uploads/?mount=sha256:nope&from=some/repo", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("DIGEST_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }
}
