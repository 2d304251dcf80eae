using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// The pull through cache end to end: CNCF Distribution with basic auth upstream, a counting proxy in front of it,
/// Berth with a rule <c>dist</c> → the proxy and a Secrets Manager credential, skopeo (and plain HTTP for the
/// concurrency case) pulling through Berth. The server's clock is the test's.
/// </summary>
public sealed class PullThroughCacheSkopeoTests(UpstreamFixture upstream) : IClassFixture<UpstreamFixture>, IAsyncLifetime
{
    private readonly AdjustableClock _clock = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-ptc-pulls", Guid.NewGuid().ToString("N"));
    private BerthTestServer _server = null!;
    private CountingProxy? _proxy;
    private AwsCli _aws = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        _server = await BerthTestServer.StartEcrAsync(
            new Dictionary<string, string?> { ["Berth:RequireRegistryAuthentication"] = "false" },
            services => services.AddSingleton<TimeProvider>(_clock));
        _aws = new AwsCli(_server);
    }

    public async Task DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await _server.DisposeAsync();
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [SkippableFact]
    public async Task SkopeoCopiesAMultiArchImageWithUpstreamsDigestsAndTheSecondCopyStaysLocal()
    {
        var proxy = await StartAsync();

        await Skopeo.CopyAsync($"docker://{_server.Host}/dist/library/multi:v1", $"oci:{Path.Combine(_work, "first")}:v1", "--all", "--preserve-digests");
        var afterFirst = proxy.Requests.Count;
        await Skopeo.CopyAsync($"docker://{_server.Host}/dist/library/multi:v1", $"oci:{Path.Combine(_work, "second")}:v1", "--all", "--preserve-digests");

        Assert.Equal(upstream.Multi.IndexDigest, OciLayout.Find(Path.Combine(_work, "first"), "v1").Digest);
        Assert.Equal(upstream.Multi.IndexDigest, OciLayout.Find(Path.Combine(_work, "second"), "v1").Digest);
        foreach (var image in upstream.Multi.Images)
        {
            foreach (var blob in image.Blobs)
            {
                Assert.Equal(OciLayout.ReadBlob(upstream.LayoutDirectory, blob.Digest), OciLayout.ReadBlob(Path.Combine(_work, "second"), blob.Digest));
                Assert.Equal(1, proxy.Count("GET", $"/blobs/{blob.Digest}"));
            }

            Assert.Equal(1, proxy.Count("GET", $"/manifests/{image.ManifestDigest}"));
        }

        Assert.Equal(1, proxy.Count("GET", "/v2/library/multi/manifests/v1"));
        Assert.Equal(afterFirst, proxy.Requests.Count);
    }

    [SkippableFact]
    public async Task EightConcurrentFirstPullsOfOneLargeLayerMakeOneUpstreamGet()
    {
        var proxy = await StartAsync();
        await upstream.StartBigAsync();
        using var http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        using (var manifest = await http.GetAsync("/v2/dist/library/big/manifests/v1"))
        {
            Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        }

        var layer = upstream.Big.Layers[0];
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await http.GetAsync($"/v2/dist/library/big/blobs/{layer.Digest}", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            return (response.StatusCode, Digest: "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(body)), response.Content.Headers.ContentLength);
        }));

        Assert.All(results, r => Assert.Equal((HttpStatusCode.OK, layer.Digest, (long?)layer.Size), r));
        Assert.Equal(1, proxy.Count("GET", $"/blobs/{layer.Digest}"));
        Assert.True(layer.Size > UpstreamFixture.BigLayerBytes, $"the layer is {layer.Size} bytes");
    }

    [SkippableFact]
    public async Task AStoppedUpstreamStillServesTheCachedTag()
    {
        var proxy = await StartAsync();
        await Skopeo.CopyAsync($"docker://{_server.Host}/dist/library/multi:v1", $"oci:{Path.Combine(_work, "first")}:v1", "--all", "--preserve-digests");

        await proxy.DisposeAsync();
        _proxy = null;
        _clock.Offset = TimeSpan.FromHours(25);
        await Skopeo.CopyAsync($"docker://{_server.Host}/dist/library/multi:v1", $"oci:{Path.Combine(_work, "stale")}:v1", "--all", "--preserve-digests");

        Assert.Equal(upstream.Multi.IndexDigest, OciLayout.Find(Path.Combine(_work, "stale"), "v1").Digest);
    }

    [SkippableFact]
    public async Task AThrottledUpstreamServesTheCachedTagAndRefusesWhatIsNotCached()
    {
        var proxy = await StartAsync();
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        using (var first = await GetManifestAsync(http, "dist/library/multi", "v1"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        proxy.Throttled = true;
        _clock.Offset = TimeSpan.FromHours(25);
        using var stale = await GetManifestAsync(http, "dist/library/multi", "v1");
        using var uncached = await GetManifestAsync(http, "dist/library/big", "v1");

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(upstream.Multi.IndexDigest, stale.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, uncached.StatusCode);
        Assert.Contains("TOOMANYREQUESTS", await uncached.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, proxy.Count("HEAD", "/v2/library/multi/manifests/v1"));
    }

    [SkippableFact]
    public async Task AMovedTagIsSeenOnlyAfterTheRefreshInterval()
    {
        var proxy = await StartAsync();
        var repository = $"moving/{Guid.NewGuid():N}";
        var (first, firstLayout) = upstream.NewImage("v1");
        var (second, secondLayout) = upstream.NewImage("v1");
        await upstream.Registry.PushAsync(firstLayout, "v1", repository, "v1");
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };

        using var before = await GetManifestAsync(http, $"dist/{repository}", "v1");
        await upstream.Registry.PushAsync(secondLayout, "v1", repository, "v1");
        using var within = await GetManifestAsync(http, $"dist/{repository}", "v1");
        _clock.Offset = TimeSpan.FromHours(24);
        using var after = await GetManifestAsync(http, $"dist/{repository}", "v1");
        await Skopeo.CopyAsync($"docker://{_server.Host}/dist/{repository}:v1", $"oci:{Path.Combine(_work, "moved")}:v1", "--preserve-digests");

        Assert.Equal(first.ManifestDigest, before.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(first.ManifestDigest, within.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(second.ManifestDigest, after.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(second.ManifestDigest, OciLayout.Find(Path.Combine(_work, "moved"), "v1").Digest);
        Assert.Equal(1, proxy.Count("HEAD", $"/v2/{repository}/manifests/v1"));
    }

    [SkippableFact]
    public async Task AnUpstreamWithTokenAuthIsPulledWithAnAnonymousBearerToken()
    {
        await upstream.StartAsync();
        _proxy = await CountingProxy.StartWithTokenAuthAsync($"http://{upstream.Registry.Host}", DistributionRegistry.User, upstream.Registry.Password);
        await _aws.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json", $$"""{"ecrRepositoryPrefix":"tok","upstreamRegistryUrl":"{{_proxy.Url}}"}""");

        await Skopeo.CopyAsync($"docker://{_server.Host}/tok/library/multi:v1", $"oci:{Path.Combine(_work, "token")}:v1", "--all", "--preserve-digests");

        Assert.Equal(upstream.Multi.IndexDigest, OciLayout.Find(Path.Combine(_work, "token"), "v1").Digest);
        Assert.Equal(1, _proxy.Count("GET", "/token"));
    }

    [SkippableFact]
    public async Task PushesIntoTheCacheNamespaceAreRefused()
    {
        await StartAsync();
        var (_, layout) = upstream.NewImage("v1");

        var push = await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-tls-verify=false", $"oci:{layout}:v1", $"docker://{_server.Host}/dist/library/pushed:v1"],
            new ProcessRunOptions { AllowFailure = true });
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        using var upload = await http.PostAsync("/v2/dist/library/pushed/blobs/uploads/", null);

        Assert.NotEqual(0, push.ExitCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, upload.StatusCode);
        Assert.Contains("is filled by the pull through cache rule with prefix", await upload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TheFirstPullCreatesTheRepositoryFromThePullThroughCacheTemplate()
    {
        await StartAsync();
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "dist", "--applied-for", "PULL_THROUGH_CACHE",
            "--image-tag-mutability", "IMMUTABLE", "--resource-tags", "Key=source,Value=cache");
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };

        using var pulled = await GetManifestAsync(http, "dist/library/multi", "v1");
        var described = await _aws.RunAsync("ecr", "describe-repositories", "--repository-names", "dist/library/multi");
        var arn = described.GetProperty("repositories")[0].GetProperty("repositoryArn").GetString()!;
        var tags = await _aws.RunAsync("ecr", "list-tags-for-resource", "--resource-arn", arn);

        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal("IMMUTABLE", described.GetProperty("repositories")[0].GetProperty("imageTagMutability").GetString());
        Assert.Equal("cache", tags.GetProperty("tags")[0].GetProperty("Value").GetString());
    }

    private static Task<HttpResponseMessage> GetManifestAsync(HttpClient http, string repository, string reference)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/{reference}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciMediaTypes.ImageIndex));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciMediaTypes.ImageManifest));
        return http.SendAsync(request);
    }

    /// <summary>The upstream, a counting proxy in front of it, the credential secret and the rule <c>dist</c>.</summary>
    private async Task<CountingProxy> StartAsync()
    {
        await upstream.StartAsync();
        _proxy = await CountingProxy.StartAsync($"http://{upstream.Registry.Host}");
        var secret = await _aws.RunAsync("secretsmanager", "create-secret", "--name", "ecr-pullthroughcache/dist",
            "--secret-string", $$"""{"username":"{{DistributionRegistry.User}}","accessToken":"{{upstream.Registry.Password}}"}""");
        await _aws.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json",
            $$"""{"ecrRepositoryPrefix":"dist","upstreamRegistryUrl":"{{_proxy.Url}}","credentialArn":"{{secret.GetProperty("ARN").GetString()}}"}""");
        return _proxy;
    }
}
