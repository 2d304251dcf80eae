using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// docker (a real dockerd) and podman pull a multi-arch image through Berth's pull through cache from CNCF
/// Distribution: the pulled image has the upstream index's digest, and a second pull (after removing the local copy)
/// sends nothing upstream.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed class PullThroughCacheClientTests(DockerDaemon docker, UpstreamFixture upstream) : IClassFixture<UpstreamFixture>, IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private CountingProxy? _proxy;

    public async Task InitializeAsync() =>
        _server = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?> { ["Berth:RequireRegistryAuthentication"] = "false" });

    public async Task DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [SkippableFact]
    public async Task DockerPullsThroughTheCacheAndTheSecondPullStaysLocal()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");
        var proxy = await StartAsync();
        var remote = $"{_server.Host}/dist/library/multi:v1";

        await docker.RunAsync("pull", remote);
        var first = await docker.RunAsync("image", "inspect", "--format", "{{index .RepoDigests 0}}", remote);
        var fetched = proxy.Requests.Count;
        await docker.RunAsync("rmi", remote);
        await docker.RunAsync("pull", remote);
        var second = await docker.RunAsync("image", "inspect", "--format", "{{index .RepoDigests 0}}", remote);
        await docker.RunAsync("rmi", remote);

        Assert.Equal($"{_server.Host}/dist/library/multi@{upstream.Multi.IndexDigest}", first.StandardOutput.Trim());
        Assert.Equal(first.StandardOutput, second.StandardOutput);
        Assert.Equal(fetched, proxy.Requests.Count);
    }

    [SkippableFact]
    public async Task PodmanPullsThroughTheCacheAndTheSecondPullStaysLocal()
    {
        ClientTools.SkipUnlessAvailable(ContainersStorageClient.PodmanTool);
        var proxy = await StartAsync();
        var remote = $"{_server.Host}/dist/library/multi:v1";
        using var podman = ContainersStorageClient.Podman();

        await podman.RunAsync("pull", "--tls-verify=false", remote);
        var first = await podman.RunAsync("image", "inspect", "--format", "{{.Digest}}", remote);
        var fetched = proxy.Requests.Count;
        await podman.RunAsync("rmi", "--force", remote);
        await podman.RunAsync("pull", "--tls-verify=false", remote);
        var second = await podman.RunAsync("image", "inspect", "--format", "{{.Digest}}", remote);

        Assert.Equal(upstream.Multi.IndexDigest, first.StandardOutput.Trim());
        Assert.Equal(upstream.Multi.IndexDigest, second.StandardOutput.Trim());
        Assert.Equal(fetched, proxy.Requests.Count);
    }

    private async Task<CountingProxy> StartAsync()
    {
        await upstream.StartAsync();
        _proxy = await CountingProxy.StartAsync($"http://{upstream.Registry.Host}");
        var aws = new AwsCli(_server);
        var secret = await aws.RunAsync("secretsmanager", "create-secret", "--name", "ecr-pullthroughcache/dist",
            "--secret-string", $$"""{"username":"{{DistributionRegistry.User}}","accessToken":"{{upstream.Registry.Password}}"}""");
        await aws.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json",
            $$"""{"ecrRepositoryPrefix":"dist","upstreamRegistryUrl":"{{_proxy.Url}}","credentialArn":"{{secret.GetProperty("ARN").GetString()}}"}""");
        return _proxy;
    }
}
