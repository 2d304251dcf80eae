using System.Net;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Oci;

public sealed class BaseTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetV2AnswersOkWithTheApiVersionHeader()
    {
        using var response = await _server.Client.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-Api-Version").Single());
    }

    [Fact]
    public async Task HealthzAnswersOkOnceStarted()
    {
        using var response = await _server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnUnknownV2PathIsA404WithAnOciErrorBody()
    {
        using var response = await _server.Client.GetAsync("/v2/some/repo/nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-Api-Version").Single());
        Assert.NotEmpty(await OciTestClient.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("/v2/UPPER/manifests/latest")]
    [InlineData("/v2/a/manifests/latest")]
    [InlineData("/v2/-bad/tags/list")]
    [InlineData("/v2/a..b/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task AMalformedRepositoryNameIsNameInvalid(string path)
    {
        using var response = await _server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("NAME_INVALID", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task AnUnsupportedMethodIsRefusedWithUnsupported()
    {
        using var response = await _server.Client.PatchAsync("/v2/some/repo/tags/list", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("UNSUPPORTED", await OciTestClient.ErrorCodeAsync(response));
    }
}
