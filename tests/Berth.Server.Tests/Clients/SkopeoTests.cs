using System.Net;
using System.Text.Json;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Clients;

/// <summary>skopeo (containers/image) pushes to and pulls from a real Berth; content must come back byte for byte.</summary>
public sealed class SkopeoTests : IAsyncLifetime
{
    private ClientTestContext _context = null!;

    public async Task InitializeAsync() => _context = await ClientTestContext.StartAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [SkippableFact]
    public async Task CopiedImageComesBackWithTheSameManifestAndBlobs()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        var source = new OciLayoutWriter(_context.PathFor("source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 3);
        source.Tag(image.Descriptor, "v1");
        var repository = BerthTestServer.NewRepositoryName("skopeo");

        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{_context.Reference(repository, "v1")}");
        var served = await _context.Registry.GetManifestAsync(repository, "v1");
        var copy = _context.PathFor("copy");
        await Skopeo.CopyAsync($"docker://{_context.Reference(repository, "v1")}", $"oci:{copy}:v1");

        Assert.Equal(image.ManifestDigest, served.Digest);
        Assert.Equal(image.Manifest, served.Content);
        Assert.Equal(OciMediaTypes.ImageManifest, served.MediaType);
        Assert.Equal(image.ManifestDigest, OciLayout.Find(copy, "v1").Digest);
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(source.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
        }

        await _context.Registry.AssertHoldsBlobsAsync(repository, image, source.Directory);
    }

    [SkippableFact]
    public async Task ADockerImageIsServedAsOciToAnOciOnlyAcceptByTagAndSkopeoCopiesTheConversion()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        ClientTools.SkipUnlessAvailable("curl");

        var source = new OciLayoutWriter(_context.PathFor("source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 2);
        source.Tag(image.Descriptor, "v1");
        var repository = BerthTestServer.NewRepositoryName("convert");

        // skopeo stores the image as Docker v2 schema 2.
        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{_context.Reference(repository, "v1")}", "--format", "v2s2");
        var stored = await _context.Registry.GetManifestAsync(repository, "v1");
        Assert.Equal(OciMediaTypes.DockerManifest, stored.MediaType);

        // curl asks for OCI only, by tag: ECR's conversion, with the digest of the bytes served.
        var url = $"{_context.Server.BaseAddress}v2/{repository}/manifests/v1";
        var body = _context.PathFor("converted.json");
        var headers = await ProcessRunner.RunAsync("curl", ["-sS", "-D", "-", "-o", body, "-H", "Accept: " + OciMediaTypes.ImageManifest, url]);
        var converted = await File.ReadAllBytesAsync(body);
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(converted));
        Assert.Contains("HTTP/1.1 200", headers.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Content-Type: {OciMediaTypes.ImageManifest}", headers.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"Docker-Content-Digest: {digest}", headers.StandardOutput, StringComparison.OrdinalIgnoreCase);
        var head = await ProcessRunner.RunAsync("curl", ["-sS", "-I", "-H", "Accept: " + OciMediaTypes.ImageManifest, url]);
        Assert.Contains($"Docker-Content-Digest: {digest}", head.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"Content-Length: {converted.Length}", head.StandardOutput, StringComparison.OrdinalIgnoreCase);

        // By digest nothing is converted.
        var byDigest = await ProcessRunner.RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Accept: " + OciMediaTypes.ImageManifest, $"{_context.Server.BaseAddress}v2/{repository}/manifests/{stored.Digest}"]);
        Assert.Equal("404", byDigest.StandardOutput.Trim());

        // skopeo reads the converted manifest as an OCI image over the same blobs.
        var tagged = _context.PathFor("tagged");
        Directory.CreateDirectory(tagged);
        await File.WriteAllBytesAsync(Path.Combine(tagged, "manifest.json"), converted);
        await File.WriteAllTextAsync(Path.Combine(tagged, "version"), "Directory Transport Version: 1.1\n");
        foreach (var blob in image.Blobs)
        {
            await File.WriteAllBytesAsync(Path.Combine(tagged, blob.Digest["sha256:".Length..]), OciLayout.ReadBlob(source.Directory, blob.Digest));
        }

        await Skopeo.CopyAsync($"dir:{tagged}", $"docker://{_context.Reference(repository, "converted")}", "--preserve-digests");
        var copy = _context.PathFor("copy");
        await Skopeo.CopyAsync($"docker://{_context.Reference(repository, "converted")}", $"oci:{copy}:v1");
        Assert.Equal(digest, OciLayout.Find(copy, "v1").Digest);
        Assert.Equal(converted, OciLayout.ReadBlob(copy, digest));
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(source.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
        }
    }

    [SkippableFact]
    public async Task CopyAllKeepsTheIndexDigestAndEveryPlatform()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        var source = new OciLayoutWriter(_context.PathFor("source"));
        var index = TestImageFactory.WriteIndex(source, "amd64", "arm64");
        source.Tag(new OciDescriptor(OciMediaTypes.ImageIndex, index.IndexDigest, index.Index.Length), "multi");
        var repository = BerthTestServer.NewRepositoryName("skopeo");

        await Skopeo.CopyAsync($"oci:{source.Directory}:multi", $"docker://{_context.Reference(repository, "multi")}", "--all", "--preserve-digests");
        var served = await _context.Registry.GetManifestAsync(repository, "multi");
        var copy = _context.PathFor("copy");
        await Skopeo.CopyAsync($"docker://{_context.Reference(repository, "multi")}", $"oci:{copy}:multi", "--all", "--preserve-digests");

        Assert.Equal(index.IndexDigest, served.Digest);
        Assert.Equal(index.Index, served.Content);
        Assert.Equal(OciMediaTypes.ImageIndex, served.MediaType);
        Assert.Equal(index.IndexDigest, OciLayout.Find(copy, "multi").Digest);
        foreach (var image in index.Images)
        {
            var child = await _context.Registry.GetManifestAsync(repository, image.ManifestDigest);
            Assert.Equal(image.Manifest, child.Content);
            Assert.Equal(image.Manifest, OciLayout.ReadBlob(copy, image.ManifestDigest));
            foreach (var blob in image.Blobs)
            {
                Assert.Equal(OciLayout.ReadBlob(source.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
            }
        }
    }

    [SkippableFact]
    public async Task InspectAndListTagsReportWhatWasPushed()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        var source = new OciLayoutWriter(_context.PathFor("source"));
        var image = TestImageFactory.WriteImage(source);
        source.Tag(image.Descriptor, "v1");
        var repository = BerthTestServer.NewRepositoryName("skopeo");
        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{_context.Reference(repository, "v1")}");
        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{_context.Reference(repository, "v2")}");

        var inspect = await Skopeo.RunAsync("inspect", "--tls-verify=false", $"docker://{_context.Reference(repository, "v2")}");
        var raw = await Skopeo.RunAsync("inspect", "--tls-verify=false", "--raw", $"docker://{_context.Reference(repository, "v1")}");
        var tags = await Skopeo.RunAsync("list-tags", "--tls-verify=false", $"docker://{_context.Host}/{repository}");

        using var inspected = JsonDocument.Parse(inspect.StandardOutput);
        Assert.Equal(image.ManifestDigest, inspected.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(image.Layers.Select(l => l.Digest), inspected.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("amd64", inspected.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(image.Manifest, System.Text.Encoding.UTF8.GetBytes(raw.StandardOutput.TrimEnd('\n')));
        using var listed = JsonDocument.Parse(tags.StandardOutput);
        Assert.Equal(["v1", "v2"], listed.RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task DeletedManifestIsGoneByTagAndByDigest()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        var source = new OciLayoutWriter(_context.PathFor("source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 1);
        source.Tag(image.Descriptor, "v1");
        var repository = BerthTestServer.NewRepositoryName("skopeo");
        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{_context.Reference(repository, "v1")}");
        Assert.Equal(HttpStatusCode.OK, await _context.Registry.GetManifestStatusAsync(repository, image.ManifestDigest));

        await Skopeo.RunAsync("delete", "--tls-verify=false", $"docker://{_context.Reference(repository, "v1")}");

        Assert.Equal(HttpStatusCode.NotFound, await _context.Registry.GetManifestStatusAsync(repository, image.ManifestDigest));
        Assert.Equal(HttpStatusCode.NotFound, await _context.Registry.GetManifestStatusAsync(repository, "v1"));
    }

    [SkippableFact]
    public async Task ArtifactCopiedAfterItsSubjectIsListedAsAReferrer()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        const string artifactType = "application/vnd.berth.test.signature.v1+json";
        var source = new OciLayoutWriter(_context.PathFor("source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 1);
        var artifact = TestImageFactory.WriteArtifact(source, image, artifactType);
        source.Tag(image.Descriptor, "v1");
        source.Tag(new OciDescriptor(OciMediaTypes.ImageManifest, artifact.ManifestDigest, artifact.Manifest.Length), "signature");
        var repository = BerthTestServer.NewRepositoryName("skopeo");

        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{_context.Reference(repository, "v1")}");
        await Skopeo.CopyAsync($"oci:{source.Directory}:signature", $"docker://{_context.Reference(repository, "signature")}", "--preserve-digests");

        var served = await _context.Registry.GetManifestAsync(repository, "signature");
        Assert.Equal(artifact.Manifest, served.Content);
        var referrers = await _context.Registry.GetReferrersAsync(repository, image.ManifestDigest);
        Assert.Equal([(artifact.ManifestDigest, artifactType)], referrers);
        Assert.Equal(OciLayout.ReadBlob(source.Directory, artifact.Layer.Digest), await _context.Registry.GetBlobAsync(repository, artifact.Layer.Digest));
    }
}
