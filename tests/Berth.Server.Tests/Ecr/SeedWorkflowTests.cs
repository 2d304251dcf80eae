using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>
/// The seeds' steps verbatim (AWS's "pushing an image" pages), with only the endpoint and registry host changed:
/// create-repository, get-login-password | docker login, docker tag, docker push, describe-images, then a pull.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed partial class SeedWorkflowTests(DockerDaemon docker) : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
        _work = Directory.CreateTempSubdirectory("berth-seed-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task TheSeedWorkflowPushesWithDockerAndDescribeImagesAgrees()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool, "aws");
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var host = _server.Host;
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "my-web-app");
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password", "--region", "us-east-1"])).StandardOutput.Trim();
        var login = await docker.RunWithInputAsync(password, "login", "--username", "AWS", "--password-stdin", host);
        Assert.Contains("Login Succeeded", login.StandardOutput, StringComparison.Ordinal);

        var imageId = await LoadImageAsync();
        await docker.RunAsync("tag", imageId, $"{host}/my-web-app:latest");
        var push = await docker.RunAsync("push", $"{host}/my-web-app:latest");
        var pushed = PushedDigest().Match(push.StandardOutput).Groups[1].Value;
        var images = await _aws.RunAsync("ecr", "describe-images", "--repository-name", "my-web-app");

        var detail = Assert.Single(images.GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(pushed, detail.GetProperty("imageDigest").GetString());
        Assert.Equal(["latest"], detail.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", detail.GetProperty("imageManifestMediaType").GetString());
        Assert.True(detail.GetProperty("imageSizeInBytes").GetInt64() > 0);

        await docker.RunAsync("rmi", $"{host}/my-web-app:latest", imageId);
        var pull = await docker.RunAsync("pull", $"{host}/my-web-app:latest");
        Assert.Contains(pushed, pull.StandardOutput, StringComparison.Ordinal);

        // Without the login the registry refuses: ECR needs a token on every /v2/ request.
        await docker.RunAsync("logout", host);
        var refused = await Assert.ThrowsAsync<ProcessFailedException>(() => docker.RunAsync("pull", $"{host}/my-web-app:latest"));
        Assert.Contains("no basic auth credentials", refused.Message, StringComparison.Ordinal);
        await docker.RunAsync("rmi", $"{host}/my-web-app:latest");
    }

    [SkippableFact]
    public async Task APushToARepositoryThatWasNeverCreatedIsNameUnknown()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool, "aws");
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var host = _server.Host;
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        await docker.RunWithInputAsync(password, "login", "--username", "AWS", "--password-stdin", host);
        var imageId = await LoadImageAsync();
        await docker.RunAsync("tag", imageId, $"{host}/never-created:latest");

        var refused = await Assert.ThrowsAsync<ProcessFailedException>(() => docker.RunAsync("push", $"{host}/never-created:latest"));

        Assert.Contains("does not exist in the registry with id '000000000000'", refused.Message, StringComparison.Ordinal);
        await docker.RunAsync("rmi", $"{host}/never-created:latest", imageId);
        await docker.RunAsync("logout", host);
    }

    private async Task<string> LoadImageAsync()
    {
        var layout = new OciLayoutWriter(Path.Combine(_work, Guid.NewGuid().ToString("N")));
        var image = TestImageFactory.WriteImage(layout, TestImageFactory.NativeArchitecture);
        var tag = Guid.NewGuid().ToString("N")[..12];
        layout.Tag(image.Descriptor, tag);
        var archive = Path.Combine(_work, tag + ".tar");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:{tag}", $"docker-archive:{archive}:seed-local/app:{tag}");
        await docker.RunAsync("load", "--input", archive);
        return $"seed-local/app:{tag}";
    }

    [GeneratedRegex("digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex PushedDigest();
}
