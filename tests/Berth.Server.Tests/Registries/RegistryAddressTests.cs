using System.Text.Json;
using Berth.Core.Registries;
using Berth.Server.Hosting;
using Berth.Server.Registries;
using Berth.Server.Tests.Ecr;
using Berth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Berth.Server.Tests.Registries;

/// <summary>The host each registry is reported at (repositoryUri, proxyEndpoint) and the scheme behind a TLS proxy.</summary>
public sealed class RegistryAddressTests
{
    private static readonly RegistryIdentity Europe = new("000000000000", "eu-west-1");
    private static readonly RegistryIdentity Default = new("000000000000", "us-east-1");

    [Theory]
    [InlineData("registry.example.com", null, "127.0.0.1:5000", "000000000000.dkr.ecr.eu-west-1.registry.example.com:5000")]
    [InlineData("registry.example.com", "lb.example.com:443", "127.0.0.1:5000", "000000000000.dkr.ecr.eu-west-1.registry.example.com")]
    [InlineData("registry.example.com", "lb.example.com:8443", "127.0.0.1:5000", "000000000000.dkr.ecr.eu-west-1.registry.example.com:8443")]
    [InlineData(null, null, "000000000000.dkr.ecr.us-east-1.localhost:5000", "000000000000.dkr.ecr.eu-west-1.localhost:5000")]
    [InlineData(null, null, "localhost:5000", "000000000000.dkr.ecr.eu-west-1.localhost:5000")]
    [InlineData(null, "registry.example.com", "127.0.0.1:5000", "000000000000.dkr.ecr.eu-west-1.registry.example.com")]
    [InlineData(null, null, "127.0.0.1:5000", "127.0.0.1:5000")]
    public void AnotherRegistrysHostFollowsTheDocumentedRule(string? domain, string? publicHost, string requestHost, string expected) =>
        Assert.Equal(expected, Addresses(domain, publicHost).HostOf(Europe, Request(requestHost)));

    [Theory]
    [InlineData(null, "127.0.0.1:5000")]
    [InlineData("registry.example.test:5000", "registry.example.test:5000")]
    public void TheDefaultRegistryKeepsPublicHostOrTheRequestHost(string? publicHost, string expected) =>
        Assert.Equal(expected, Addresses(null, publicHost).HostOf(Default, Request("127.0.0.1:5000")));

    [Theory]
    [InlineData("111122223333.dkr.ecr.ap-southeast-2.registry.example.com:5000", "111122223333", "ap-southeast-2")]
    [InlineData("111122223333.DKR.ECR.us-gov-west-1.localhost", "111122223333", "us-gov-west-1")]
    [InlineData("11112222333.dkr.ecr.us-east-1.localhost", "000000000000", "us-east-1")]
    [InlineData("111122223333.dkr.ecr.moon.localhost", "000000000000", "us-east-1")]
    [InlineData("127.0.0.1:5000", "000000000000", "us-east-1")]
    public void AV2RequestGoesToTheRegistryItsHostNamesElseToTheDefault(string host, string account, string region) =>
        Assert.Equal(new RegistryIdentity(account, region), Addresses(null, null).Resolve(Request(host)));

    [Fact]
    public async Task ProxyEndpointAndRepositoryUriNameTheRegistryUnderTheDomainWithTheForwardedScheme()
    {
        await using var server = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?>
        {
            ["Berth:RegistryDomain"] = "registry.example.com",
            ["Berth:PublicHost"] = "lb.example.com:8443",
            ["Berth:TrustForwardedHeaders"] = "true",
        });
        var https = new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https" };

        using var token = await SignedRequests.SendAsync(server, "GetAuthorizationToken", "{}", region: "eu-west-1", unsignedHeaders: https);
        using var created = await SignedRequests.SendAsync(server, "CreateRepository", "{\"repositoryName\":\"uri/app\"}", region: "eu-west-1");

        using var tokenJson = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        using var createdJson = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal("https://000000000000.dkr.ecr.eu-west-1.registry.example.com:8443",
            tokenJson.RootElement.GetProperty("authorizationData")[0].GetProperty("proxyEndpoint").GetString());
        Assert.Equal("000000000000.dkr.ecr.eu-west-1.registry.example.com:8443/uri/app",
            createdJson.RootElement.GetProperty("repository").GetProperty("repositoryUri").GetString());
    }

    [Fact]
    public async Task XForwardedProtoIsIgnoredUnlessTrusted()
    {
        await using var server = await BerthTestServer.StartEcrAsync();

        using var token = await SignedRequests.SendAsync(server, "GetAuthorizationToken", "{}",
            unsignedHeaders: new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https" });

        using var json = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        Assert.Equal($"http://{server.Host}", json.RootElement.GetProperty("authorizationData")[0].GetProperty("proxyEndpoint").GetString());
    }

    private static RegistryAddresses Addresses(string? domain, string? publicHost)
    {
        var options = new BerthOptions { RegistryDomain = domain, PublicHost = publicHost };
        return new(Options.Create(options), Listeners.From(options));
    }

    private static HttpRequest Request(string host)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        return context.Request;
    }
}
