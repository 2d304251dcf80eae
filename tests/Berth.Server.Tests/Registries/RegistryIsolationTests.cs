using System.Net;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Registries;

/// <summary>
/// An open registry (no tokens, as CNCF Distribution) with automatic cross-mount on: registries addressed by host
/// still keep their content apart, since blob bytes are shared but links are per repository of one registry.
/// </summary>
public sealed class RegistryIsolationTests
{
    [Fact]
    public async Task ADigestPushedInOneRegistryCanBeNeitherMountedNorReadInAnother()
    {
        await using var server = await BerthTestServer.StartAsync(new Dictionary<string, string?> { ["Berth:AutomaticCrossMount"] = "true" });
        var content = OciTestClient.RandomBytes(64);
        var digest = await server.Client.PushBlobAsync("iso/source", content);
        var europe = $"000000000000.dkr.ecr.eu-west-1.localhost:{server.BaseAddress.Port}";
        var virginia = $"000000000000.dkr.ecr.us-east-1.localhost:{server.BaseAddress.Port}";

        using var mountedElsewhere = await SendAsync(server, HttpMethod.Post, europe, $"/v2/iso/target/blobs/uploads/?mount={digest}");
        using var readElsewhere = await SendAsync(server, HttpMethod.Get, europe, $"/v2/iso/source/blobs/{digest}");
        using var catalogElsewhere = await SendAsync(server, HttpMethod.Get, europe, "/v2/_catalog");
        using var mountedHere = await SendAsync(server, HttpMethod.Post, virginia, $"/v2/iso/target/blobs/uploads/?mount={digest}");
        using var readHere = await SendAsync(server, HttpMethod.Get, virginia, $"/v2/iso/source/blobs/{digest}");

        Assert.Equal(HttpStatusCode.Accepted, mountedElsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, readElsewhere.StatusCode);
        Assert.DoesNotContain("iso/source", await catalogElsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, mountedHere.StatusCode);
        Assert.Equal(content, await readHere.Content.ReadAsByteArrayAsync());
    }

    private static async Task<HttpResponseMessage> SendAsync(BerthTestServer server, HttpMethod method, string host, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.BaseAddress, path));
        request.Headers.Host = host;
        return await server.Client.SendAsync(request);
    }
}
