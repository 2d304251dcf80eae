using System.Text.Json;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Clients;

/// <summary>podman (containers/image and containers/storage) pushes to and pulls from a real Berth.</summary>
public sealed class PodmanTests : IAsyncLifetime
{
    private ClientTestContext _context = null!;

    public async Task InitializeAsync() => _context = await ClientTestContext.StartAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [SkippableFact]
    public async Task ImageWithoutMediaTypePushedByPodmanPullsBackWithTheSameDigest()
    {
        ClientTools.SkipUnlessAvailable(ContainersStorageClient.PodmanTool);

        // podman and buildah write OCI manifests without the optional mediaType field; Berth must take the type from
        // the Content-Type and serve the bytes unchanged.
        var layout = new OciLayoutWriter(_context.PathFor("source"));
        var image = TestImageFactory.WriteImage(layout, omitMediaType: true);
        layout.Tag(image.Descriptor, "v1");
        using var podman = ContainersStorageClient.Podman();
        var repository = BerthTestServer.NewRepositoryName("podman");
        var remote = _context.Reference(repository, "v1");
        var digestFile = _context.PathFor("digest");

        var id = (await podman.RunAsync("pull", "--quiet", $"oci:{layout.Directory}:v1")).StandardOutput.Trim();
        await podman.RunAsync("tag", id, remote);
        await podman.RunAsync("push", "--tls-verify=false", "--digestfile", digestFile, remote);
        var served = await _context.Registry.GetManifestAsync(repository, "v1");
        await podman.RunAsync("rmi", "--force", id);
        await podman.RunAsync("pull", "--tls-verify=false", remote);
        var inspect = await podman.RunAsync("image", "inspect", "--format", "{{.Id}} {{.Digest}}", remote);

        // podman stores layers uncompressed and gzips them again on push, so the manifest digest changes; the
        // config (the image ID) and the uncompressed layers must not.
        Assert.Equal(image.Config.Digest, $"sha256:{id}");
        Assert.Equal(File.ReadAllText(digestFile).Trim(), served.Digest);
        Assert.Equal(OciMediaTypes.ImageManifest, served.MediaType);
        using (var manifest = JsonDocument.Parse(served.Content))
        {
            Assert.False(manifest.RootElement.TryGetProperty("mediaType", out _), "podman was expected to push a manifest without mediaType");
            Assert.Equal(image.Config.Digest, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString());
        }

        Assert.Equal(OciLayout.ReadBlob(layout.Directory, image.Config.Digest), await _context.Registry.GetBlobAsync(repository, image.Config.Digest));
        await _context.Registry.AssertLayersMatchAsync(repository, served, image);
        Assert.Equal($"{id} {served.Digest}", inspect.StandardOutput.Trim());
    }
}
