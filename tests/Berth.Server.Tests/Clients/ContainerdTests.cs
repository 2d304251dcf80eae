using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Clients;

/// <summary>containerd's ctr pulls what skopeo pushed to Berth and pushes it on to another repository, byte for byte.</summary>
[Collection(ContainerdTestGroup.Name)]
public sealed class ContainerdTests(ContainerdDaemon containerd) : IAsyncLifetime
{
    private ClientTestContext _context = null!;

    public async Task InitializeAsync() => _context = await ClientTestContext.StartAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [SkippableFact]
    public async Task CtrPullsAnIndexAndPushesItToAnotherRepositoryUnchanged()
    {
        ClientTools.SkipUnlessAvailable(ContainerdDaemon.Tool, ContainerdDaemon.DaemonTool, Skopeo.Tool);
        Skip.IfNot(containerd.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var layout = new OciLayoutWriter(_context.PathFor("source"));
        var index = TestImageFactory.WriteIndex(layout, "amd64", "arm64");
        layout.Tag(new OciDescriptor(OciMediaTypes.ImageIndex, index.IndexDigest, index.Index.Length), "v1");
        var source = BerthTestServer.NewRepositoryName("ctr-source");
        var target = BerthTestServer.NewRepositoryName("ctr-target");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{_context.Reference(source, "v1")}", "--all", "--preserve-digests");

        // --all-platforms fetches every child, which the push of the whole index then needs; the native one is unpacked.
        await containerd.RunAsync("images", "pull", "--plain-http", "--all-platforms", _context.Reference(source, "v1"));
        var listed = await containerd.RunAsync("images", "list");
        await containerd.RunAsync("images", "tag", _context.Reference(source, "v1"), _context.Reference(target, "v1"));
        await containerd.RunAsync("images", "push", "--plain-http", _context.Reference(target, "v1"));
        var served = await _context.Registry.GetManifestAsync(target, "v1");

        Assert.Contains(listed.StandardOutput.Split('\n'), line => line.StartsWith(_context.Reference(source, "v1"), StringComparison.Ordinal) && line.Contains(index.IndexDigest, StringComparison.Ordinal));
        Assert.Equal(index.IndexDigest, served.Digest);
        Assert.Equal(index.Index, served.Content);
        Assert.Equal(OciMediaTypes.ImageIndex, served.MediaType);
        foreach (var image in index.Images)
        {
            Assert.Equal(image.Manifest, (await _context.Registry.GetManifestAsync(target, image.ManifestDigest)).Content);
            await _context.Registry.AssertHoldsBlobsAsync(target, image, layout.Directory);
        }
    }

    [SkippableFact]
    public async Task CtrPullsAndUnpacksASinglePlatformImage()
    {
        ClientTools.SkipUnlessAvailable(ContainerdDaemon.Tool, ContainerdDaemon.DaemonTool, Skopeo.Tool);
        Skip.IfNot(containerd.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var layout = new OciLayoutWriter(_context.PathFor("source"));
        var image = TestImageFactory.WriteImage(layout, TestImageFactory.NativeArchitecture, layerCount: 3);
        layout.Tag(image.Descriptor, "v1");
        var repository = BerthTestServer.NewRepositoryName("ctr");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{_context.Reference(repository, "v1")}");

        // Unpacking gunzips every layer and checks it against the config's diff_ids, so corrupt blobs fail here.
        var pull = await containerd.RunAsync("images", "pull", "--plain-http", _context.Reference(repository, "v1"));
        var check = await containerd.RunAsync("images", "check", $"name=={_context.Reference(repository, "v1")}");

        Assert.Contains($"unpacking linux/{image.Architecture} {image.ManifestDigest}", pull.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("complete", check.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(image.ManifestDigest, (await containerd.RunAsync("images", "list", $"name=={_context.Reference(repository, "v1")}")).StandardOutput, StringComparison.Ordinal);
    }
}
