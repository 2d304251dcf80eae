using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// A first pull through the cache imports the image and creates the repository: with registry authentication the
/// caller needs ecr:BatchImportUpstreamImage and ecr:CreateRepository besides the pull actions, and a refusal is
/// ECR's 403 DENIED on /v2/. Nothing is fetched from the upstream for a refused caller beyond the manifest.
/// </summary>
public sealed class PullThroughCacheAuthorizationTests(UpstreamFixture upstream) : IClassFixture<UpstreamFixture>, IAsyncLifetime
{
    private const string PullOnly = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"],"Resource":"*"}]}""";
    private const string PullAndImport = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability","ecr:BatchImportUpstreamImage"],"Resource":"*"}]}""";

    private BerthTestServer _server = null!;
    private CountingProxy? _proxy;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartEcrAsync();

    public async Task DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [SkippableFact]
    public async Task AFirstPullNeedsCreateRepositoryAndBatchImportUpstreamImage()
    {
        await upstream.StartAsync();
        _proxy = await CountingProxy.StartAsync($"http://{upstream.Registry.Host}");
        var iam = new IamCli(_server);
        var secret = await iam.RunAsync("secretsmanager", "create-secret", "--name", "ecr-pullthroughcache/dist",
            "--secret-string", $$"""{"username":"{{DistributionRegistry.User}}","accessToken":"{{upstream.Registry.Password}}"}""");
        await iam.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json",
            $$"""{"ecrRepositoryPrefix":"dist","upstreamRegistryUrl":"{{_proxy.Url}}","credentialArn":"{{secret.GetProperty("ARN").GetString()}}"}""");
        var puller = await UserAsync(iam, "puller", PullOnly);
        var importer = await UserAsync(iam, "importer", PullAndImport);

        using var refused = await GetAsync(puller, "/v2/dist/library/multi/manifests/v1");
        using var noCreate = await GetAsync(importer, "/v2/dist/library/multi/manifests/v1");
        await iam.RunAsync("ecr", "create-repository", "--repository-name", "dist/library/multi");
        using var imported = await GetAsync(importer, "/v2/dist/library/multi/manifests/v1");
        using var cached = await GetAsync(puller, "/v2/dist/library/multi/manifests/v1");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var refusal = await refused.Content.ReadAsStringAsync();
        Assert.Contains("DENIED", refusal, StringComparison.Ordinal);
        Assert.Contains("ecr:CreateRepository", refusal, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, noCreate.StatusCode);
        Assert.Contains("ecr:CreateRepository", await noCreate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(upstream.Multi.IndexDigest, imported.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);

        // The refused import is on the pull's audit record with what decided it, as berth explain reads it.
        var trail = _server.Services.GetRequiredService<Berth.Core.AuditTrail.IAuditTrailStore>();
        var requestId = refused.Headers.GetValues("x-amzn-RequestId").Single();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Berth.Core.AuditTrail.AuditEvent? stored;
        while ((stored = await trail.FindByRequestIdAsync(requestId, deadline.Token)) is null)
        {
            await Task.Delay(50, deadline.Token);
        }

        using var json = System.Text.Json.JsonDocument.Parse(stored.Json);
        Assert.Equal("ecr:CreateRepository", json.RootElement.GetProperty("additionalEventData").GetProperty("authorization").GetProperty("action").GetString());
    }

    private async Task<HttpClient> UserAsync(IamCli iam, string name, string policy)
    {
        var key = await iam.CreateUserWithKeyAsync(name);
        await iam.RunAsync("iam", "put-user-policy", "--user-name", name, "--policy-name", "pull", "--policy-document", policy);
        var aws = new AwsCli(_server);
        var password = await aws.RunRawAsync(["ecr", "get-login-password"], key.Environment);
        Assert.Equal(0, password.ExitCode);
        var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password.StandardOutput.Trim())));
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.index.v1+json"));
        return client;
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path) => await client.GetAsync(path);
}
