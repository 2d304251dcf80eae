using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Console;

/// <summary>
/// The console shows an image pushed by docker (the client most users push with, which re-compresses the layers and
/// writes a Docker v2 manifest) as the registry stores it: each layer's size and the config digest of the manifest
/// the aws CLI reads back, and the pull command with this server's host.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed class ConsoleDockerTests(DockerDaemon docker) : IAsyncLifetime
{
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartEcrAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task AnImagePushedByDockerShowsTheLayersOfItsStoredManifest()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool, ConsoleBrowser.Chromium);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");
        var aws = new AwsCli(_server);
        await aws.RunAsync("ecr", "create-repository", "--repository-name", "docker/app");
        var password = (await aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        var (digest, local) = await DockerPush.NativeImageAsync(docker, _server.Host, password, "docker/app", "latest");
        await docker.RunAsync("rmi", local);
        var stored = await aws.RunAsync("ecr", "batch-get-image", "--repository-name", "docker/app", "--image-ids", $"imageDigest={digest}");
        using var manifest = JsonDocument.Parse(stored.GetProperty("images")[0].GetProperty("imageManifest").GetString()!);

        await using var browser = await ConsoleBrowser.StartAsync(_server);
        var page = await browser.NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, _server.AccessKeyId, _server.SecretAccessKey);
        await page.GotoAsync($"/console/image?repository=docker%2Fapp&digest={Uri.EscapeDataString(digest)}");

        var shown = await page.Locator("td.layer-size").EvaluateAllAsync<long[]>("cells => cells.map(c => Number(c.dataset.bytes))");
        Assert.NotEmpty(shown);
        Assert.Equal(manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("size").GetInt64()), shown);
        Assert.Contains(manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!, await page.Locator("#config + p").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains($"docker pull {_server.Host}/docker/app@{digest}", await page.Locator("#pull + pre").InnerTextAsync(), StringComparison.Ordinal);
    }
}
