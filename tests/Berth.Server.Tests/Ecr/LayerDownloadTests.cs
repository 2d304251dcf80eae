using System.Security.Cryptography;
using Berth.Core.Content;
using Berth.Core.Credentials;
using Berth.Core.Layers;
using Berth.Core.Naming;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Ecr;

public sealed class LayerDownloadTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private EcrLayerClient _ecr = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _ecr = new EcrLayerClient(_server, _server.DataDirectory);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ALayerPushedOverV2DownloadsWithCurlFromGetDownloadUrlForLayer()
    {
        var (repository, layer, content) = await PushImageOverV2Async(300_000);

        var url = await DownloadUrlAsync(repository, layer);
        var (status, file) = await _ecr.CurlAsync(url);
        var (partialStatus, partialFile) = await _ecr.CurlAsync(url, "1000-1999");

        Assert.Equal(200, status);
        Assert.Equal(layer, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))));
        Assert.Equal(206, partialStatus);
        Assert.Equal(content[1000..2000], await File.ReadAllBytesAsync(partialFile));
        Assert.StartsWith($"{_server.BaseAddress}layer-downloads/000000000000/us-east-1/{repository}/{layer}?expires=", url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATamperedDownloadUrlIsDenied()
    {
        var (repository, layer, _) = await PushImageOverV2Async(1000);
        var url = await DownloadUrlAsync(repository, layer);
        var signature = url[(url.IndexOf("signature=", StringComparison.Ordinal) + 10)..];
        var flipped = url[..^1] + (url[^1] == '0' ? '1' : '0');
        var later = url.Replace("expires=", "expires=9", StringComparison.Ordinal);
        var (otherRepository, otherLayer, _) = await PushImageOverV2Async(1000);
        var query = url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..];
        var elsewhere = $"{_server.BaseAddress}layer-downloads/000000000000/us-east-1/{otherRepository}/{otherLayer}?{query}";
        var otherRegion = $"{_server.BaseAddress}layer-downloads/000000000000/eu-west-1/{repository}/{layer}?{query}";
        var otherAccount = $"{_server.BaseAddress}layer-downloads/111111111111/us-east-1/{repository}/{layer}?{query}";

        foreach (var tampered in new[] { flipped, later, elsewhere, otherRegion, otherAccount, url.Replace(signature, string.Empty, StringComparison.Ordinal) })
        {
            var (status, file) = await _ecr.CurlAsync(tampered);
            Assert.Equal(403, status);
            Assert.Contains("<Code>AccessDenied</Code>", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ADownloadUrlNamingAnyAccountIsDeniedWithoutStoringAKeyForIt()
    {
        var layer = OciTestClient.DigestOf(OciTestClient.RandomBytes(10));
        var credentials = _server.Services.GetRequiredService<ICredentialStore>();

        foreach (var account in new[] { "999999999999", "000000000000" })
        {
            var (status, file) = await _ecr.CurlAsync($"{_server.BaseAddress}layer-downloads/{account}/us-east-1/app/{layer}?expires=9999999999&signature={new string('0', 64)}");

            Assert.Equal(403, status);
            Assert.Contains("<Code>AccessDenied</Code>", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            Assert.Null(await credentials.GetSettingAsync(account, "layer-download-key", CancellationToken.None));
        }
    }

    [Fact]
    public async Task AnExpiredDownloadUrlIsDenied()
    {
        var (repository, layer, _) = await PushImageOverV2Async(1000);
        using var scope = _server.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Berth.Server.Registries.RequestRegistry>().Current = new("000000000000", "us-east-1");
        var signer = scope.ServiceProvider.GetRequiredService<LayerDownloadSigner>();
        var expires = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var signature = await signer.SignAsync(RepositoryName.Parse(repository), Digest.Parse(layer), expires, CancellationToken.None);

        var (status, file) = await _ecr.CurlAsync($"{_server.BaseAddress}layer-downloads/000000000000/us-east-1/{repository}/{layer}?expires={expires}&signature={signature}");

        Assert.Equal(403, status);
        Assert.Contains("<Message>Request has expired</Message>", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALayerNoImageReferencesIsInaccessibleAndAnUnknownOneIsNotFound()
    {
        var repository = BerthTestServer.NewRepositoryName("loose");
        await _ecr.CreateRepositoryAsync(repository);
        using var registry = await _ecr.RegistryClientAsync();
        var loose = await registry.PushBlobAsync(repository, OciTestClient.RandomBytes(500));
        var unknown = OciTestClient.DigestOf(OciTestClient.RandomBytes(10));

        var inaccessible = await _ecr.Cli.FailAsync("ecr", "get-download-url-for-layer", "--repository-name", repository, "--layer-digest", loose);
        var notFound = await _ecr.Cli.FailAsync("ecr", "get-download-url-for-layer", "--repository-name", repository, "--layer-digest", unknown);

        Assert.Contains($"(LayerInaccessibleException) when calling the GetDownloadUrlForLayer operation: The layer with digest '{loose}' is not associated with an image", inaccessible, StringComparison.Ordinal);
        Assert.Contains($"(LayersNotFoundException) when calling the GetDownloadUrlForLayer operation: The layer with digest '{unknown}' does not exist", notFound, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchCheckReportsAvailableLayersAndMissingOrInvalidDigestsAsFailures()
    {
        var (repository, layer, _) = await PushImageOverV2Async(4321);
        var missing = OciTestClient.DigestOf(OciTestClient.RandomBytes(10));

        var check = await _ecr.Cli.RunAsync("ecr", "batch-check-layer-availability", "--repository-name", repository, "--layer-digests", layer, missing, "sha256:nothex");

        var available = Assert.Single(check.GetProperty("layers").EnumerateArray());
        Assert.Equal(layer, available.GetProperty("layerDigest").GetString());
        Assert.Equal("AVAILABLE", available.GetProperty("layerAvailability").GetString());
        Assert.Equal(4321, available.GetProperty("layerSize").GetInt64());
        var failures = check.GetProperty("failures").EnumerateArray().Select(f => (f.GetProperty("layerDigest").GetString(), f.GetProperty("failureCode").GetString())).ToList();
        Assert.Equal([(missing, "MissingLayerDigest"), ("sha256:nothex", "InvalidLayerDigest")], failures);
    }

    [Fact]
    public async Task BatchCheckReportsTheMediaTypeAManifestGivesEachLayer()
    {
        var (repository, layer, _) = await PushImageOverV2Async(1000);
        using var registry = await _ecr.RegistryClientAsync();
        var config = await registry.PushBlobAsync(repository, "{}"u8.ToArray());
        var loose = await registry.PushBlobAsync(repository, OciTestClient.RandomBytes(300));

        var check = await _ecr.Cli.RunAsync("ecr", "batch-check-layer-availability", "--repository-name", repository, "--layer-digests", layer, config, loose);

        var layers = check.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("layerDigest").GetString()!);
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", layers[layer].GetProperty("mediaType").GetString());
        Assert.Equal("application/vnd.oci.image.config.v1+json", layers[config].GetProperty("mediaType").GetString());

        // A layer no manifest references has no recorded media type.
        Assert.Equal("AVAILABLE", layers[loose].GetProperty("layerAvailability").GetString());
        Assert.False(layers[loose].TryGetProperty("mediaType", out _));
    }

    /// <summary>Creates a repository and pushes a one-layer image over /v2/ with a registry token.</summary>
    private async Task<(string Repository, string Layer, byte[] Content)> PushImageOverV2Async(int layerBytes)
    {
        var repository = BerthTestServer.NewRepositoryName("download");
        await _ecr.CreateRepositoryAsync(repository);
        using var registry = await _ecr.RegistryClientAsync();
        var content = OciTestClient.RandomBytes(layerBytes);
        var config = "{}"u8.ToArray();
        var layer = await registry.PushBlobAsync(repository, content);
        var configDigest = await registry.PushBlobAsync(repository, config);
        using var response = await registry.PutManifestAsync(repository, "v1", OciTestClient.ImageManifest(configDigest, config.Length, [(layer, content.Length)]), OciTestClient.OciManifest);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (repository, layer, content);
    }

    private async Task<string> DownloadUrlAsync(string repository, string layer)
    {
        var result = await _ecr.Cli.RunAsync("ecr", "get-download-url-for-layer", "--repository-name", repository, "--layer-digest", layer);
        Assert.Equal(layer, result.GetProperty("layerDigest").GetString());
        return result.GetProperty("downloadUrl").GetString()!;
    }
}
