using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>
/// The seed's steps verbatim (the ECR Public guide's "Pushing a public image"), with only the endpoint and the
/// registry host changed: create-repository, get-login-password | docker login, docker tag, docker push
/// <c>&lt;host&gt;/&lt;alias&gt;/my-web-app</c>; then anyone pulls it with no login at all, with docker and skopeo.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed partial class PublicSeedWorkflowTests(DockerDaemon docker, ITestOutputHelper output) : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private PublicRegistryClient _public = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        // Each client's pull is one manifest-by-tag request; the tests pull several times within a second.
        _server = await BerthTestServer.StartPublicAsync(new Dictionary<string, string?> { ["Berth:PublicPulls:AnonymousPerSecond"] = "100" });
        _public = new PublicRegistryClient(_server);
        _work = Directory.CreateTempSubdirectory("berth-public-seed-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task TheSeedPushesWithDockerAndAnyonePullsWithoutLogin()
    {
        if (!ClientTools.AreAvailable(output, DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool, "aws") || !docker.IsRunning)
        {
            return;
        }

        var host = _public.Host;
        await _public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "my-web-app", "--region", "us-east-1");
        var alias = await _public.AliasAsync();
        var password = await _public.PasswordAsync();
        var login = await docker.RunWithInputAsync(password, "login", "--username", "AWS", "--password-stdin", host);
        Assert.Contains("Login Succeeded", login.StandardOutput, StringComparison.Ordinal);

        var imageId = await LoadImageAsync();
        await docker.RunAsync("tag", imageId, $"{host}/{alias}/my-web-app");
        var push = await docker.RunAsync("push", $"{host}/{alias}/my-web-app");
        var pushed = PushedDigest().Match(push.StandardOutput).Groups[1].Value;
        var images = await _public.Aws.RunAsync("ecr-public", "describe-images", "--repository-name", "my-web-app");
        var detail = Assert.Single(images.GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(pushed, detail.GetProperty("imageDigest").GetString());
        Assert.Equal(["latest"], detail.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()));

        // A clean state: no login, no local copy.
        await docker.RunAsync("logout", host);
        await docker.RunAsync("rmi", $"{host}/{alias}/my-web-app", imageId);
        var pull = await docker.RunAsync("pull", $"{host}/{alias}/my-web-app");
        Assert.Contains(pushed, pull.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Downloaded newer image", pull.StandardOutput, StringComparison.Ordinal);

        // Without a login a push is refused.
        var refused = await Assert.ThrowsAsync<ProcessFailedException>(() => docker.RunAsync("push", $"{host}/{alias}/my-web-app"));
        Assert.Contains("unauthorized", refused.Message, StringComparison.OrdinalIgnoreCase);
        await docker.RunAsync("rmi", $"{host}/{alias}/my-web-app");
    }

    [Fact]
    public async Task SkopeoPushesWithTheLoginPasswordAndCopiesBackAnonymously()
    {
        if (!ClientTools.AreAvailable(output, Skopeo.Tool, "aws"))
        {
            return;
        }

        var host = _public.Host;
        await _public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "skopeo-app");
        var alias = await _public.AliasAsync();
        var layout = new OciLayoutWriter(Path.Combine(_work, "source"));
        var image = TestImageFactory.WriteImage(layout);
        layout.Tag(image.Descriptor, "v1");
        var authFile = Path.Combine(_work, "auth.json");
        await Skopeo.RunAsync("login", "--tls-verify=false", "--authfile", authFile, "-u", "AWS", "-p", await _public.PasswordAsync(), host);

        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{host}/{alias}/skopeo-app:v1", "--dest-tls-verify=false", "--authfile", authFile);
        var target = Path.Combine(_work, "copy");
        await Skopeo.CopyAsync($"docker://{host}/{alias}/skopeo-app:v1", $"oci:{target}:v1", "--src-tls-verify=false", "--src-no-creds");
        var inspect = await Skopeo.RunAsync("inspect", "--raw", $"oci:{target}:v1");

        Assert.Equal(System.Text.Encoding.UTF8.GetString(image.Manifest).Trim(), inspect.StandardOutput.Trim());
        var anonymousPush = await Assert.ThrowsAsync<ProcessFailedException>(() =>
            Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{host}/{alias}/skopeo-app:v2", "--dest-tls-verify=false", "--dest-no-creds"));
        Assert.Contains("unauthorized", anonymousPush.Message, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<string> LoadImageAsync()
    {
        var layout = new OciLayoutWriter(Path.Combine(_work, Guid.NewGuid().ToString("N")));
        var image = TestImageFactory.WriteImage(layout, TestImageFactory.NativeArchitecture);
        var tag = Guid.NewGuid().ToString("N")[..12];
        layout.Tag(image.Descriptor, tag);
        var archive = Path.Combine(_work, tag + ".tar");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:{tag}", $"docker-archive:{archive}:public-seed/app:{tag}");
        await docker.RunAsync("load", "--input", archive);
        return $"public-seed/app:{tag}";
    }

    [GeneratedRegex("digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex PushedDigest();
}
