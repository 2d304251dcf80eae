using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Server.Hosting;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Registries;

/// <summary>
/// Listeners with a face of their own: the public registries' listener answers no private API whatever the Host
/// says, and a registry listener reaches a registry of another region without DNS names (which docker, podman and
/// skopeo do not resolve under .localhost here).
/// </summary>
public sealed class ListenerTests
{
    [Fact]
    public void ThePublicRegistriesListenOnPort5001BesideTheDefaultUrlsOnly()
    {
        Assert.Equal("http://127.0.0.1:5001", Listeners.EffectivePublicUrls(new BerthOptions()));
        Assert.Equal(string.Empty, Listeners.EffectivePublicUrls(new BerthOptions { Urls = "http://0.0.0.0:8080" }));
        Assert.Equal(string.Empty, Listeners.EffectivePublicUrls(new BerthOptions { PublicRegistryUrls = "none" }));
    }

    [Fact]
    public async Task ThePublicListenerAnswersNoPrivateApiWhateverTheHost()
    {
        await using var server = await BerthTestServer.StartPublicAsync();
        var aws = new AwsCli(server);
        var repository = BerthTestServer.NewRepositoryName();
        await aws.RunAsync("ecr", "create-repository", "--repository-name", repository);
        using var privateClient = await RegistryLogin.ClientAsync(server, aws);
        await privateClient.PushImageAsync(repository, "v1");
        using var publicClient = new HttpClient { BaseAddress = new Uri($"http://{server.PublicHost}/") };
        publicClient.DefaultRequestHeaders.Authorization = privateClient.DefaultRequestHeaders.Authorization;

        using var tags = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/tags/list");
        tags.Headers.Host = server.Host;
        using var tagsResponse = await publicClient.SendAsync(tags);
        using var ecr = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}", Encoding.UTF8) };
        ecr.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        ecr.Headers.Host = server.Host;
        ecr.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
        using var ecrResponse = await publicClient.SendAsync(ecr);
        using var download = await publicClient.GetAsync($"/layer-downloads/{server.AccessKeyId}");

        Assert.Equal(HttpStatusCode.OK, (await privateClient.GetAsync($"/v2/{repository}/tags/list")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, tagsResponse.StatusCode);
        Assert.DoesNotContain("v1", await tagsResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, ecrResponse.StatusCode);
        Assert.Equal(string.Empty, await ecrResponse.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
    }

    [Fact]
    public async Task ThePublicRegistryHostIsTheSecondListenerNotAPublicPrefixBeforeAnIp()
    {
        await using var server = await BerthTestServer.StartPublicAsync();

        var created = await new AwsCli(server).RunAsync("ecr-public", "create-repository", "--repository-name", "listener/app");

        var uri = created.GetProperty("repository").GetProperty("repositoryUri").GetString()!;
        Assert.StartsWith(server.PublicHost + "/", uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARegistryListenerReachesAnotherRegionWithoutDns()
    {
        await using var server = await StartWithEuWest1ListenerAsync();
        var listener = server.AddressOf(l => l.All.Single(x => x.Face == ListenerFace.Registry));
        var repository = BerthTestServer.NewRepositoryName();

        var created = await AwsAsync(server, "eu-west-1", "ecr", "create-repository", "--repository-name", repository);
        var token = await AwsAsync(server, "eu-west-1", "ecr", "get-authorization-token");
        using var client = new HttpClient { BaseAddress = listener };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            token.GetProperty("authorizationData")[0].GetProperty("authorizationToken").GetString());
        var (_, digest) = await client.PushImageAsync(repository, "v1");
        var described = await AwsAsync(server, "eu-west-1", "ecr", "describe-images", "--repository-name", repository);
        using var onTheDefaultPort = await client.GetAsync(new Uri(server.BaseAddress, $"/v2/{repository}/tags/list"));

        Assert.Equal($"127.0.0.1:{listener.Port}/{repository}", created.GetProperty("repository").GetProperty("repositoryUri").GetString());
        Assert.Equal($"http://127.0.0.1:{listener.Port}", token.GetProperty("authorizationData")[0].GetProperty("proxyEndpoint").GetString());
        Assert.Equal(digest, described.GetProperty("imageDetails")[0].GetProperty("imageDigest").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, onTheDefaultPort.StatusCode);
    }

    [SkippableFact]
    public async Task SkopeoPushesToAnotherRegionThroughItsListener()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");
        await using var server = await StartWithEuWest1ListenerAsync();
        var repository = BerthTestServer.NewRepositoryName("skopeo");
        var created = await AwsAsync(server, "eu-west-1", "ecr", "create-repository", "--repository-name", repository);
        var password = (await new AwsCli(server).RunRawAsync(["ecr", "get-login-password"], Region("eu-west-1"))).StandardOutput.Trim();
        var work = Directory.CreateTempSubdirectory("berth-listener-").FullName;
        try
        {
            var layout = new OciLayoutWriter(Path.Combine(work, "layout"));
            var image = TestImageFactory.WriteImage(layout);
            layout.Tag(image.Descriptor, "v1");
            var uri = created.GetProperty("repository").GetProperty("repositoryUri").GetString();

            await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, $"oci:{layout.Directory}:v1", $"docker://{uri}:v1"]);
            var described = await AwsAsync(server, "eu-west-1", "ecr", "describe-images", "--repository-name", repository);

            Assert.Equal(image.Descriptor.Digest, described.GetProperty("imageDetails")[0].GetProperty("imageDigest").GetString());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Task<BerthTestServer> StartWithEuWest1ListenerAsync() => BerthTestServer.StartEcrAsync(new Dictionary<string, string?>
    {
        ["Berth:RegistryListeners:0:Url"] = "http://127.0.0.1:0",
        ["Berth:RegistryListeners:0:Region"] = "eu-west-1",
    });

    private static async Task<JsonElement> AwsAsync(BerthTestServer server, string region, params string[] arguments)
    {
        var result = await new AwsCli(server).RunRawAsync(arguments, Region(region));
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }

    private static Dictionary<string, string?> Region(string region) => new() { ["AWS_DEFAULT_REGION"] = region, ["AWS_REGION"] = region };
}
