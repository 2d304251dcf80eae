using System.Text;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Manifests;

namespace Berth.Core.Tests.Manifests;

public sealed class ManifestParserTests
{
    private const string Config = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private const string Layer = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Fact]
    public void AnOciImageManifestListsItsConfigAndLayersAsBlobs()
    {
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Config}}","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{Layer}}","size":5}]}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest);

        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal([Digest.Parse(Config), Digest.Parse(Layer)], manifest.Blobs);
        Assert.Empty(manifest.Manifests);
        Assert.Equal("application/vnd.oci.image.config.v1+json", manifest.ArtifactType);
        Assert.Equal(Digest.Sha256Of(Encoding.UTF8.GetBytes(json)), manifest.Digest);
    }

    [Fact]
    public void DeclaredSizesThatOverflowALongAreManifestInvalid()
    {
        const long Huge = 1L << 62;
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Config}}","size":{{Huge}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{Layer}}","size":{{Huge}}}]}""";

        var error = Assert.Throws<RegistryException>(() => ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest));

        Assert.Equal(RegistryErrorCode.ManifestInvalid, error.Error);
    }

    [Fact]
    public void TheDeclaredSizeOfEachBlobIsKept()
    {
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Config}}","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{Layer}}","size":5}]}""";

        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest);

        Assert.Equal(2, manifest.DeclaredBlobSizes![Digest.Parse(Config)]);
        Assert.Equal(5, manifest.DeclaredBlobSizes[Digest.Parse(Layer)]);
        Assert.Equal(7, manifest.ImageSize);
    }

    [Fact]
    public void AnIndexListsItsChildrenAsManifests()
    {
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{Layer}}","size":5}],"artifactType":"application/x"}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), null);

        Assert.Equal([Digest.Parse(Layer)], manifest.Manifests);
        Assert.Empty(manifest.Blobs);
        Assert.Equal("application/x", manifest.ArtifactType);
    }

    [Fact]
    public void TheSubjectAndAnnotationsAreRead()
    {
        var json = $$$"""{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{{Config}}}","size":2},"layers":[],"subject":{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{Layer}}}","size":5},"annotations":{"a":"b"}}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), "application/vnd.oci.image.manifest.v1+json; charset=utf-8");

        Assert.Equal(Digest.Parse(Layer), manifest.Subject);
        Assert.Equal("b", manifest.Annotations!["a"]);
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
    }

    [Fact]
    public void ForeignLayersWithUrlsAreNotRequiredToBePushed()
    {
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{{Config}}","size":2},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"{{Layer}}","size":5,"urls":["https://example.com/layer"]}]}""";
        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.DockerManifest);
        Assert.Equal([Digest.Parse(Config)], manifest.Blobs);
    }

    [Theory]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"a\",\"digest\":\"" + Config + "\",\"size\":2},\"layers\":[]}", MediaTypes.DockerManifest)]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+json\"}", null)]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"" + Config + "\",\"size\":-1},\"layers\":[]}", MediaTypes.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"" + Config + "\",\"size\":1.5},\"layers\":[]}", MediaTypes.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"" + Config + "\",\"size\":1},\"layers\":{}}", MediaTypes.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"" + Config + "\",\"size\":1},\"layers\":[],\"annotations\":{\"a\":1}}", MediaTypes.OciManifest)]
    [InlineData("{\"schemaVersion\":\"2\"}", MediaTypes.OciManifest)]
    public void InvalidManifestsAreManifestInvalid(string json, string? contentType)
    {
        var error = Assert.Throws<RegistryException>(() => ManifestParser.Parse(Encoding.UTF8.GetBytes(json), contentType));
        Assert.Equal("MANIFEST_INVALID", error.Error.Code);
    }
}
