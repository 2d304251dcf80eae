using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Clients;

/// <summary>
/// The docker CLI and a real dockerd push to and pull from Berth over plain HTTP (127.0.0.0/8 is an insecure
/// registry by default: docker tries TLS first and falls back because Kestrel answers the ClientHello with HTTP 400).
/// docker recompresses layers on push, so what must survive is the pushed manifest digest and the image config (the image ID).
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed partial class DockerTests(DockerDaemon docker) : IAsyncLifetime
{
    private ClientTestContext _context = null!;

    public async Task InitializeAsync() => _context = await ClientTestContext.StartAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [SkippableFact]
    public async Task LoadedImagePushedAndPulledBackKeepsItsDigestAndId()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var layout = new OciLayoutWriter(_context.PathFor("source"));
        var image = TestImageFactory.WriteImage(layout);
        var local = await LoadAsync(layout, image);
        var repository = BerthTestServer.NewRepositoryName("docker");
        var remote = _context.Reference(repository, "v1");
        await docker.RunAsync("tag", local, remote);

        var pushed = PushedDigest(await docker.RunAsync("push", remote));
        var served = await _context.Registry.GetManifestAsync(repository, "v1", OciMediaTypes.DockerManifest);
        await docker.RunAsync("rmi", remote, local);
        var pull = await docker.RunAsync("pull", remote);
        var inspect = await docker.RunAsync("image", "inspect", "--format", "{{.Id}} {{index .RepoDigests 0}}", remote);

        Assert.Equal(pushed, served.Digest);
        Assert.Equal(OciMediaTypes.DockerManifest, served.MediaType);
        using var manifest = JsonDocument.Parse(served.Content);
        Assert.Equal(image.Config.Digest, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString());
        await _context.Registry.AssertLayersMatchAsync(repository, served, image);
        Assert.Contains("Downloaded newer image", pull.StandardOutput, StringComparison.Ordinal);
        Assert.Equal($"{image.Config.Digest} {_context.Host}/{repository}@{pushed}", inspect.StandardOutput.Trim());
    }

    [SkippableFact]
    public async Task ManifestListPushedByDockerIsPullable()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var layout = new OciLayoutWriter(_context.PathFor("source"));
        var images = new[] { TestImageFactory.WriteImage(layout, "amd64", layerCount: 1), TestImageFactory.WriteImage(layout, "arm64", layerCount: 1) };
        var children = new List<(TestImage Image, string Repository, string Digest, string Local)>();
        foreach (var image in images)
        {
            var local = await LoadAsync(layout, image);
            var repository = BerthTestServer.NewRepositoryName($"docker-{image.Architecture}");
            await docker.RunAsync("tag", local, _context.Reference(repository, "v1"));
            children.Add((image, repository, PushedDigest(await docker.RunAsync("push", _context.Reference(repository, "v1"))), local));
        }

        var listRepository = BerthTestServer.NewRepositoryName("docker-list");
        var list = _context.Reference(listRepository, "v1");
        await docker.RunAsync(["manifest", "create", "--insecure", list, .. children.Select(c => _context.Reference(c.Repository, "v1"))]);
        var push = await docker.RunAsync("manifest", "push", "--insecure", list);
        var pushed = DigestPattern().Matches(push.StandardOutput).Last().Value;
        var served = await _context.Registry.GetManifestAsync(listRepository, "v1", OciMediaTypes.DockerManifestList);

        Assert.Equal(pushed, served.Digest);
        Assert.Equal(OciMediaTypes.DockerManifestList, served.MediaType);
        using var listed = JsonDocument.Parse(served.Content);
        var entries = listed.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => (m.GetProperty("platform").GetProperty("architecture").GetString()!, m.GetProperty("digest").GetString()!))
            .ToList();
        Assert.Equal(children.Select(c => (c.Image.Architecture, c.Digest)), entries);
        foreach (var child in children)
        {
            // docker manifest push mounts the children's blobs from their repositories and pushes them by digest.
            var copied = await _context.Registry.GetManifestAsync(listRepository, child.Digest, OciMediaTypes.DockerManifest);
            var original = await _context.Registry.GetManifestAsync(child.Repository, "v1", OciMediaTypes.DockerManifest);
            Assert.Equal(original.Content, copied.Content);
        }

        await docker.RunAsync(["rmi", .. children.Select(c => c.Local), .. children.Select(c => _context.Reference(c.Repository, "v1"))]);
        var pull = await docker.RunAsync("pull", list);
        var id = await docker.RunAsync("image", "inspect", "--format", "{{.Id}}", list);
        var native = children.Single(c => c.Image.Architecture == TestImageFactory.NativeArchitecture);
        Assert.Contains("Downloaded newer image", pull.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(native.Image.Config.Digest, id.StandardOutput.Trim());
    }

    [SkippableFact]
    public async Task DockerPullsTheNativeImageOfAnOciIndexSkopeoPushed()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var layout = new OciLayoutWriter(_context.PathFor("source"));
        var index = TestImageFactory.WriteIndex(layout, "amd64", "arm64");
        layout.Tag(new OciDescriptor(OciMediaTypes.ImageIndex, index.IndexDigest, index.Index.Length), "v1");
        var repository = BerthTestServer.NewRepositoryName("docker-oci");
        var remote = _context.Reference(repository, "v1");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{remote}", "--all", "--preserve-digests");

        var pull = await docker.RunAsync("pull", remote);
        var inspect = await docker.RunAsync("image", "inspect", "--format", "{{.Id}} {{index .RepoDigests 0}}", remote);

        var native = index.Images.Single(i => i.Architecture == TestImageFactory.NativeArchitecture);
        Assert.Contains($"Digest: {index.IndexDigest}", pull.StandardOutput, StringComparison.Ordinal);
        Assert.Equal($"{native.Config.Digest} {_context.Host}/{repository}@{index.IndexDigest}", inspect.StandardOutput.Trim());
    }

    /// <summary>Turns the OCI layout image into a docker-archive with skopeo and docker-loads it under a unique local name.</summary>
    private async Task<string> LoadAsync(OciLayoutWriter layout, TestImage image)
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        layout.Tag(image.Descriptor, tag);
        var local = $"berth-local/{image.Architecture}:{tag}";
        var archive = _context.PathFor($"{tag}.tar");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:{tag}", $"docker-archive:{archive}:{local}");
        await docker.RunAsync("load", "--input", archive);
        return local;
    }

    private static string PushedDigest(ProcessResult push) =>
        PushedDigestPattern().Match(push.StandardOutput) is { Success: true } match
            ? match.Groups[1].Value
            : throw new ProcessFailedException($"docker push printed no digest\n{push}");

    [GeneratedRegex("digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex PushedDigestPattern();

    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex DigestPattern();
}
