using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// An <c>ecr</c>-kind upstream: a second Berth, behaving as ECR (repositories must exist, /v2/ needs a registry token),
/// holds a multi-arch image; the pulling Berth's rule names it with <c>upstreamRegistry</c> <c>ecr</c> and a secret
/// holding the upstream's access key, logs in with a SigV4-signed GetAuthorizationToken and pulls with the token.
/// </summary>
public sealed class PullThroughCacheEcrUpstreamTests : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-ptc-ecr", Guid.NewGuid().ToString("N"));
    private BerthTestServer _upstream = null!;
    private BerthTestServer _cache = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        _upstream = await BerthTestServer.StartEcrAsync();
        _cache = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?> { ["Berth:RequireRegistryAuthentication"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task SkopeoPullsThroughARuleWhoseUpstreamIsAnotherBerthWithItsDigests()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");
        var upstreamAws = new AwsCli(_upstream);
        var layout = new OciLayoutWriter(Path.Combine(_work, "source"));
        var index = TestImageFactory.WriteIndex(layout, "amd64", "arm64");
        layout.Tag(new OciDescriptor(OciMediaTypes.ImageIndex, index.IndexDigest, index.Index.Length), "v1");
        await upstreamAws.RunAsync("ecr", "create-repository", "--repository-name", "library/multi");
        var password = (await upstreamAws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{_upstream.Host}/library/multi:v1", "--all", "--dest-creds", "AWS:" + password);

        var aws = new AwsCli(_cache);
        var secret = await aws.RunAsync("secretsmanager", "create-secret", "--name", "ecr-pullthroughcache/upstream-berth",
            "--secret-string", $$"""{"username":"{{_upstream.AccessKeyId}}","accessToken":"{{_upstream.SecretAccessKey}}"}""");
        var wrong = await aws.RunAsync("secretsmanager", "create-secret", "--name", "ecr-pullthroughcache/wrong-key",
            "--secret-string", $$"""{"username":"{{_upstream.AccessKeyId}}","accessToken":"not-the-secret"}""");
        var rule = await aws.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json",
            $$"""{"ecrRepositoryPrefix":"up","upstreamRegistryUrl":"{{_upstream.BaseAddress.ToString().TrimEnd('/')}}","upstreamRegistry":"ecr","credentialArn":"{{secret.GetProperty("ARN").GetString()}}"}""");
        await aws.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json",
            $$"""{"ecrRepositoryPrefix":"bad","upstreamRegistryUrl":"{{_upstream.BaseAddress.ToString().TrimEnd('/')}}","upstreamRegistry":"ecr","credentialArn":"{{wrong.GetProperty("ARN").GetString()}}"}""");

        var pulled = Path.Combine(_work, "pulled");
        await Skopeo.CopyAsync($"docker://{_cache.Host}/up/library/multi:v1", $"oci:{pulled}:v1", "--all", "--preserve-digests");
        using var http = new HttpClient { BaseAddress = _cache.BaseAddress };
        using var refused = await http.GetAsync("/v2/bad/library/multi/manifests/v1");
        var validation = await aws.RunAsync("ecr", "validate-pull-through-cache-rule", "--ecr-repository-prefix", "bad");

        Assert.Equal("ecr", rule.GetProperty("upstreamRegistry").GetString());
        Assert.Equal(index.IndexDigest, OciLayout.Find(pulled, "v1").Digest);
        foreach (var image in index.Images)
        {
            foreach (var blob in image.Blobs)
            {
                Assert.Equal(OciLayout.ReadBlob(layout.Directory, blob.Digest), OciLayout.ReadBlob(pulled, blob.Digest));
            }
        }

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("GetAuthorizationToken", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(validation.GetProperty("isValid").GetBoolean());
        Assert.Contains("GetAuthorizationToken", validation.GetProperty("failure").GetString(), StringComparison.Ordinal);
    }
}
