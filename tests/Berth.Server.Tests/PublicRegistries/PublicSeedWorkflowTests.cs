using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>
/// The seed's steps verbatim (the ECR Public guide's "Pushing a public image"), with only the endpoint and the
/// registry host changed: create-repository, get-login-password | docker login, docker tag, docker push
/// <c>&lt;host&gt;/&lt;alias&gt;/my-web-app</c>; then anyone pulls it with no login at all. The same with podman and skopeo.
/// Each client's pull is one manifest-by-tag request and the tests pull several times within a second, hence the rate.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed partial class PublicSeedWorkflowTests(DockerDaemon docker, ITestOutputHelper output) : PublicRegistryTest(output, AnonymousRate(100))
{
    [SkippableFact]
    public async Task TheSeedPushesWithDockerAndAnyonePullsWithoutLogin()
    {
        SkipUnlessToolsAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var host = Public.Host;
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "my-web-app", "--region", "us-east-1");
        var alias = await Public.AliasAsync();
        var password = await Public.PasswordAsync();
        var login = await docker.RunWithInputAsync(password, "login", "--username", "AWS", "--password-stdin", host);
        Assert.Contains("Login Succeeded", login.StandardOutput, StringComparison.Ordinal);

        var imageId = await LoadImageAsync();
        await docker.RunAsync("tag", imageId, $"{host}/{alias}/my-web-app");
        var push = await docker.RunAsync("push", $"{host}/{alias}/my-web-app");
        var pushed = PushedDigest().Match(push.StandardOutput).Groups[1].Value;
        var images = await Public.Aws.RunAsync("ecr-public", "describe-images", "--repository-name", "my-web-app");
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

    [SkippableFact]
    public async Task TheSeedPushesWithPodmanAndAFreshPodmanPullsWithoutLogin()
    {
        SkipUnlessToolsAvailable(ContainersStorageClient.PodmanTool);

        var host = Public.Host;
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "my-web-app", "--region", "us-east-1");
        var alias = await Public.AliasAsync();
        var remote = $"{host}/{alias}/my-web-app";
        using var podman = ContainersStorageClient.Podman();
        var login = await podman.RunWithInputAsync(await Public.PasswordAsync(), "login", "--tls-verify=false", "--username", "AWS", "--password-stdin", host);
        Assert.Contains("Login Succeeded", login.StandardOutput, StringComparison.Ordinal);

        var layout = new OciLayoutWriter(PathFor("source"));
        var image = TestImageFactory.WriteImage(layout, TestImageFactory.NativeArchitecture);
        layout.Tag(image.Descriptor, "v1");
        var id = (await podman.RunAsync("pull", "--quiet", $"oci:{layout.Directory}:v1")).StandardOutput.Trim();
        await podman.RunAsync("tag", id, remote);
        var digestFile = PathFor("digest");
        await podman.RunAsync("push", "--tls-verify=false", "--digestfile", digestFile, remote);
        var pushed = File.ReadAllText(digestFile).Trim();
        var images = await Public.Aws.RunAsync("ecr-public", "describe-images", "--repository-name", "my-web-app");
        var detail = Assert.Single(images.GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(pushed, detail.GetProperty("imageDigest").GetString());
        Assert.Equal(["latest"], detail.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()));
        await podman.RunAsync("logout", host);

        // A clean state: a storage root and auth file that never saw the image or a login.
        using var anonymous = ContainersStorageClient.Podman();
        await anonymous.RunAsync("pull", "--tls-verify=false", remote);
        var inspect = await anonymous.RunAsync("image", "inspect", "--format", "{{.Id}} {{.Digest}}", remote);
        Assert.Equal($"{id} {pushed}", inspect.StandardOutput.Trim());

        var refused = await Assert.ThrowsAsync<ProcessFailedException>(() => anonymous.RunAsync("push", "--tls-verify=false", remote));
        Assert.Contains("unauthorized", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task SkopeoPushesWithTheLoginPasswordAndCopiesBackAnonymously()
    {
        SkipUnlessToolsAvailable(Skopeo.Tool);

        var host = Public.Host;
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "skopeo-app");
        var alias = await Public.AliasAsync();
        var layout = new OciLayoutWriter(PathFor("source"));
        var image = TestImageFactory.WriteImage(layout);
        layout.Tag(image.Descriptor, "v1");
        var authFile = PathFor("auth.json");
        await Skopeo.RunAsync("login", "--tls-verify=false", "--authfile", authFile, "-u", "AWS", "-p", await Public.PasswordAsync(), host);

        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{host}/{alias}/skopeo-app:v1", "--dest-tls-verify=false", "--authfile", authFile);
        var target = PathFor("copy");
        await Skopeo.CopyAsync($"docker://{host}/{alias}/skopeo-app:v1", $"oci:{target}:v1", "--src-tls-verify=false", "--src-no-creds");
        var inspect = await Skopeo.RunAsync("inspect", "--raw", $"oci:{target}:v1");

        Assert.Equal(System.Text.Encoding.UTF8.GetString(image.Manifest).Trim(), inspect.StandardOutput.Trim());
        var anonymousPush = await Assert.ThrowsAsync<ProcessFailedException>(() =>
            Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{host}/{alias}/skopeo-app:v2", "--dest-tls-verify=false", "--dest-no-creds"));
        Assert.Contains("unauthorized", anonymousPush.Message, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<string> LoadImageAsync()
    {
        var layout = new OciLayoutWriter(PathFor(Guid.NewGuid().ToString("N")));
        var image = TestImageFactory.WriteImage(layout, TestImageFactory.NativeArchitecture);
        var tag = Guid.NewGuid().ToString("N")[..12];
        layout.Tag(image.Descriptor, tag);
        var archive = PathFor(tag + ".tar");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:{tag}", $"docker-archive:{archive}:public-seed/app:{tag}");
        await docker.RunAsync("load", "--input", archive);
        return $"public-seed/app:{tag}";
    }

    [GeneratedRegex("digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex PushedDigest();
}
