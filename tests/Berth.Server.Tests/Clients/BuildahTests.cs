using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Clients;

/// <summary>buildah builds an image from scratch, pushes it to Berth as OCI or Docker schema 2, and pulls it back.</summary>
public sealed class BuildahTests : IAsyncLifetime
{
    private const string PayloadPath = "berth/payload.bin";

    private ClientTestContext _context = null!;

    public async Task InitializeAsync() => _context = await ClientTestContext.StartAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [SkippableTheory]
    [InlineData("oci", OciMediaTypes.ImageManifest)]
    [InlineData("v2s2", OciMediaTypes.DockerManifest)]
    public async Task BuiltImagePushedByBuildahKeepsItsDigestAndFiles(string format, string mediaType)
    {
        ClientTools.SkipUnlessAvailable(ContainersStorageClient.BuildahTool);

        using var buildah = ContainersStorageClient.Buildah();
        var payload = RandomNumberGenerator.GetBytes(64 * 1024);
        var payloadFile = _context.PathFor("payload.bin");
        await File.WriteAllBytesAsync(payloadFile, payload);
        var repository = BerthTestServer.NewRepositoryName("buildah");
        var remote = _context.Reference(repository, "v1");
        var digestFile = _context.PathFor("digest");

        var container = (await buildah.RunAsync("from", "scratch")).StandardOutput.Trim();
        await buildah.RunAsync("copy", container, payloadFile, "/" + PayloadPath);
        var id = (await buildah.RunAsync("commit", "--quiet", "--format", format == "oci" ? "oci" : "docker", container, "berth-local/built:v1")).StandardOutput.Trim();
        await buildah.RunAsync("push", "--tls-verify=false", "--format", format, "--digestfile", digestFile, "berth-local/built:v1", $"docker://{remote}");
        var served = await _context.Registry.GetManifestAsync(repository, "v1");
        await buildah.RunAsync("rmi", "--all", "--force");
        await buildah.RunAsync("pull", "--quiet", "--tls-verify=false", $"docker://{remote}");
        var inspect = await buildah.RunAsync("inspect", "--type", "image", "--format", "{{.FromImageDigest}} {{.FromImageID}}", remote);

        Assert.Equal(File.ReadAllText(digestFile).Trim(), served.Digest);
        Assert.Equal(mediaType, served.MediaType);
        Assert.Equal(payload, await ReadPayloadAsync(repository, served));
        Assert.Equal($"{served.Digest} {id}", inspect.StandardOutput.Trim());
    }

    /// <summary>The payload file as found in the image's single layer, fetched from Berth.</summary>
    private async Task<byte[]> ReadPayloadAsync(string repository, ServedManifest manifest)
    {
        using var document = JsonDocument.Parse(manifest.Content);
        var layer = document.RootElement.GetProperty("layers").EnumerateArray().Single().GetProperty("digest").GetString()!;
        using var gzip = new GZipStream(new MemoryStream(await _context.Registry.GetBlobAsync(repository, layer)), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name.TrimStart('/', '.') == PayloadPath && entry.DataStream is { } data)
            {
                using var content = new MemoryStream();
                await data.CopyToAsync(content);
                return content.ToArray();
            }
        }

        throw new InvalidOperationException($"layer {layer} has no {PayloadPath}");
    }
}
