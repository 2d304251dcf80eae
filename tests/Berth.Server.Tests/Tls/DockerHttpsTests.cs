using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Tls;

/// <summary>
/// docker (the shared test dockerd) pushes to and pulls from Berth over HTTPS by a name on a non-loopback address,
/// trusting Berth's CA through /etc/docker/certs.d/NAME:PORT/ca.crt (removed afterwards), with no insecure-registries.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed partial class DockerHttpsTests(DockerDaemon docker) : IAsyncLifetime
{
    private HttpsRegistry? _registry;
    private string? _trust;

    public async Task InitializeAsync()
    {
        try
        {
            _registry = await HttpsRegistry.StartAsync();
        }
        catch (SkipException)
        {
            // Reported by the test: xunit 2.9 cannot skip from InitializeAsync.
        }
    }

    public async Task DisposeAsync()
    {
        if (_trust is not null)
        {
            Directory.Delete(_trust, recursive: true);
        }

        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task DockerPushesAndPullsOverVerifiedHttpsByName()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool, "aws");
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");
        Skip.If(_registry is null, "needs root and a non-loopback address (see HttpsRegistry)");
        var repository = $"tls/{Guid.NewGuid():N}";
        HttpsTests.AssertSucceeded(await _registry.AwsAsync(["ecr", "create-repository", "--repository-name", repository]));
        var password = await _registry.AwsAsync(["ecr", "get-login-password"]);
        HttpsTests.AssertSucceeded(password);

        var layout = new OciLayoutWriter(Path.Combine(_registry.Work, "layout"));
        var image = TestImageFactory.WriteImage(layout);
        layout.Tag(image.Descriptor, "v1");
        var archive = Path.Combine(_registry.Work, "image.tar");
        var local = $"berth-local/tls:{Guid.NewGuid().ToString("N")[..12]}";
        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker-archive:{archive}:{local}");
        await docker.RunAsync("load", "--input", archive);
        var remote = $"{_registry.Authority}/{repository}:v1";

        _trust = Path.Combine("/etc/docker/certs.d", _registry.Authority);
        Directory.CreateDirectory(_trust);
        File.Copy(_registry.CaCertificate, Path.Combine(_trust, "ca.crt"));
        await docker.RunWithInputAsync(password.StandardOutput.Trim(), "login", "--username", "AWS", "--password-stdin", _registry.Authority);
        await docker.RunAsync("tag", local, remote);
        var push = await docker.RunAsync("push", remote);
        await docker.RunAsync("rmi", remote, local);
        var pull = await docker.RunAsync("pull", remote);
        var id = await docker.RunAsync("image", "inspect", "--format", "{{.Id}}", remote);

        Assert.Matches(PushedDigest(), push.StandardOutput);
        Assert.Contains("Downloaded newer image", pull.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(image.Config.Digest, id.StandardOutput.Trim());
    }

    [GeneratedRegex("digest: sha256:[0-9a-f]{64}")]
    private static partial Regex PushedDigest();
}
