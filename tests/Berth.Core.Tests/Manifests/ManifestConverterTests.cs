using System.Text;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Manifests;

namespace Berth.Core.Tests.Manifests;

/// <summary>ECR's Docker v2 schema 2 ↔ OCI image manifest conversion: what maps, what does not, and the exact bytes.</summary>
public sealed class ManifestConverterTests
{
    private const string Config = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private const string Layer = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private const string Foreign = "sha256:486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7";

    private static readonly string DockerManifest =
        $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"{{Config}}"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":5,"digest":"{{Layer}}"},{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","size":7,"digest":"{{Foreign}}","urls":["https://example.com/layer?a=1&b=<2>"]}]}""";

    [Fact]
    public void ADockerManifestBecomesAnOciManifestInDistributionsLayout()
    {
        var converted = ManifestConverter.TryConvert(Encoding.UTF8.GetBytes(DockerManifest), MediaTypes.DockerManifest, MediaTypes.OciManifest);

        var expected = $$"""
            {
               "schemaVersion": 2,
               "mediaType": "application/vnd.oci.image.manifest.v1+json",
               "config": {
                  "mediaType": "application/vnd.oci.image.config.v1+json",
                  "size": 2,
                  "digest": "{{Config}}"
               },
               "layers": [
                  {
                     "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                     "size": 5,
                     "digest": "{{Layer}}"
                  },
                  {
                     "mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                     "size": 7,
                     "digest": "{{Foreign}}",
                     "urls": [
                        "https://example.com/layer?a=1&b=<2>"
                     ]
                  }
               ]
            }
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(converted!));

        // The result is a valid OCI manifest over the same blobs.
        var parsed = ManifestParser.Parse(converted, MediaTypes.OciManifest);
        Assert.Equal([Digest.Parse(Config), Digest.Parse(Layer)], parsed.Blobs);
    }

    [Fact]
    public void ConversionIsDeterministicAndRoundTrips()
    {
        var content = Encoding.UTF8.GetBytes(DockerManifest);
        var first = ManifestConverter.TryConvert(content, MediaTypes.DockerManifest, MediaTypes.OciManifest)!;
        var second = ManifestConverter.TryConvert(content, MediaTypes.DockerManifest, MediaTypes.OciManifest)!;
        Assert.Equal(first, second);

        var back = ManifestConverter.TryConvert(first, MediaTypes.OciManifest, MediaTypes.DockerManifest)!;
        var again = ManifestConverter.TryConvert(back, MediaTypes.DockerManifest, MediaTypes.OciManifest)!;
        Assert.Equal(first, again);
        using var document = JsonDocument.Parse(back);
        Assert.Equal(MediaTypes.DockerManifest, document.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(
            ["application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"],
            document.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("mediaType").GetString()));
        Assert.Equal("application/vnd.docker.container.image.v1+json", document.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
    }

    [Fact]
    public void AnOciManifestWithoutAMediaTypeMemberConverts()
    {
        var oci = $$"""{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Config}}","size":2},"layers":[]}""";

        var converted = ManifestConverter.TryConvert(Encoding.UTF8.GetBytes(oci), MediaTypes.OciManifest, MediaTypes.DockerManifest);

        Assert.NotNull(converted);
        Assert.Equal(MediaTypes.DockerManifest, ManifestParser.Parse(converted, MediaTypes.DockerManifest).MediaType);
    }

    public static TheoryData<string, string> Unconvertible => new()
    {
        // A layer type Docker has no name for.
        { MediaTypes.OciManifest, Oci(layerType: "application/vnd.oci.image.layer.v1.tar+zstd") },
        { MediaTypes.OciManifest, Oci(layerType: "application/vnd.oci.image.layer.v1.tar") },

        // An artifact: its config is not an image config.
        { MediaTypes.OciManifest, Oci(configType: "application/vnd.cncf.helm.config.v1+json") },

        // Members the Docker format does not have.
        { MediaTypes.OciManifest, Oci(extra: "\"annotations\":{\"a\":\"b\"},") },
        { MediaTypes.OciManifest, Oci(extra: $"\"subject\":{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{Layer}\",\"size\":5}},") },
        { MediaTypes.OciManifest, Oci(extra: "\"artifactType\":\"application/x-thing\",") },
        { MediaTypes.OciManifest, Oci(layerExtra: ",\"annotations\":{\"org.opencontainers.image.title\":\"x\"}") },
        { MediaTypes.OciManifest, Oci(layerExtra: ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}") },

        // A Docker manifest with a layer type OCI does not map from (a docker plugin's), or an unknown member.
        { MediaTypes.DockerManifest, $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}","config":{"mediaType":"application/vnd.docker.plugin.v1+json","size":2,"digest":"{{Config}}"},"layers":[]}""" },
        { MediaTypes.DockerManifest, $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"{{Config}}"},"layers":[],"extra":1}""" },

        // Indexes and manifest lists are never converted.
        { MediaTypes.OciIndex, $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[]}""" },
        { MediaTypes.DockerManifestList, $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifestList}}","manifests":[]}""" },
    };

    [Theory]
    [MemberData(nameof(Unconvertible))]
    public void ContentWithoutACounterpartIsNotConverted(string mediaType, string content)
    {
        var target = mediaType switch
        {
            MediaTypes.OciManifest => MediaTypes.DockerManifest,
            MediaTypes.DockerManifest => MediaTypes.OciManifest,
            MediaTypes.OciIndex => MediaTypes.DockerManifestList,
            _ => MediaTypes.OciIndex,
        };

        Assert.Null(ManifestConverter.TryConvert(Encoding.UTF8.GetBytes(content), mediaType, target));
    }

    [Fact]
    public void NegotiationConvertsByTagOnlyAndServesTheConvertedDigest()
    {
        var content = Encoding.UTF8.GetBytes(DockerManifest);
        var stored = new StoredManifest(Digest.Sha256Of(content), MediaTypes.DockerManifest, content, null);
        var ociOnly = new HashSet<string> { MediaTypes.OciManifest };

        var byTag = ManifestNegotiation.Select(stored, ociOnly, byTag: true)!;
        Assert.Equal(MediaTypes.OciManifest, byTag.MediaType);
        Assert.Equal(Digest.Sha256Of(byTag.Content.Span), byTag.Digest);
        Assert.NotEqual(stored.Digest, byTag.Digest);

        Assert.Null(ManifestNegotiation.Select(stored, ociOnly, byTag: false));
        Assert.Same(stored, ManifestNegotiation.Select(stored, new HashSet<string> { MediaTypes.OciManifest, MediaTypes.DockerManifest }, byTag: true));
        Assert.Null(ManifestNegotiation.Select(stored, new HashSet<string> { MediaTypes.OciIndex }, byTag: true));
    }

    private static string Oci(string configType = "application/vnd.oci.image.config.v1+json", string layerType = "application/vnd.oci.image.layer.v1.tar+gzip", string extra = "", string layerExtra = "") =>
        $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",{{extra}}"config":{"mediaType":"{{configType}}","digest":"{{Config}}","size":2},"layers":[{"mediaType":"{{layerType}}","digest":"{{Layer}}","size":5{{layerExtra}}}]}""";
}
