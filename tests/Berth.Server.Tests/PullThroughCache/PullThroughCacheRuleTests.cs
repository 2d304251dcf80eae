using System.Text.Json;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>Create/Describe/Update/Delete/ValidatePullThroughCacheRule through the real aws CLI.</summary>
public sealed class PullThroughCacheRuleTests : IAsyncLifetime
{
    private const string Credential = """{"username":"puller","accessToken":"s3cret"}""";

    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ARuleWithACredentialIsCreatedDescribedUpdatedAndDeleted()
    {
        var first = await SecretAsync("ecr-pullthroughcache/hub");
        var second = await SecretAsync("ecr-pullthroughcache/hub-2");

        var created = await _aws.RunAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "hub/",
            "--upstream-registry-url", "registry-1.docker.io", "--credential-arn", first);
        var described = await _aws.RunAsync("ecr", "describe-pull-through-cache-rules", "--ecr-repository-prefixes", "hub");
        var updated = await _aws.RunAsync("ecr", "update-pull-through-cache-rule", "--ecr-repository-prefix", "hub", "--credential-arn", second);
        var deleted = await _aws.RunAsync("ecr", "delete-pull-through-cache-rule", "--ecr-repository-prefix", "hub");
        var gone = await _aws.FailAsync("ecr", "describe-pull-through-cache-rules", "--ecr-repository-prefixes", "hub");

        Assert.Equal("hub", created.GetProperty("ecrRepositoryPrefix").GetString());
        Assert.Equal("registry-1.docker.io", created.GetProperty("upstreamRegistryUrl").GetString());
        Assert.Equal("docker-hub", created.GetProperty("upstreamRegistry").GetString());
        Assert.Equal("ROOT", created.GetProperty("upstreamRepositoryPrefix").GetString());
        Assert.Equal("000000000000", created.GetProperty("registryId").GetString());
        var rule = Assert.Single(described.GetProperty("pullThroughCacheRules").EnumerateArray());
        Assert.Equal(first, rule.GetProperty("credentialArn").GetString());
        Assert.Equal("docker-hub", rule.GetProperty("upstreamRegistry").GetString());
        Assert.Equal(second, updated.GetProperty("credentialArn").GetString());
        Assert.Equal(second, deleted.GetProperty("credentialArn").GetString());
        Assert.Contains("(PullThroughCacheRuleNotFoundException)", gone, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quay.io", "quay")]
    [InlineData("public.ecr.aws", "ecr-public")]
    [InlineData("registry.k8s.io", "k8s")]
    public async Task AKnownUpstreamHostGetsItsKind(string url, string kind)
    {
        var created = await _aws.RunAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", kind.Replace("-", string.Empty, StringComparison.Ordinal) + "x", "--upstream-registry-url", url);

        Assert.Equal(kind, created.GetProperty("upstreamRegistry").GetString());
    }

    [Fact]
    public async Task AnyOciRegistryIsBerthsExtensionButPlainHttpOnlyOnLoopback()
    {
        // aws CLI v1 fetches any parameter that starts with http:// or https:// (cli_follow_urlparam): the URL goes in as JSON.
        var loopback = await _aws.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json", """{"ecrRepositoryPrefix":"local","upstreamRegistryUrl":"http://127.0.0.1:5999"}""");
        var https = await _aws.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json",
            """{"ecrRepositoryPrefix":"mirror","upstreamRegistryUrl":"https://registry.example.com:8443","upstreamRepositoryPrefix":"team"}""");
        var remoteHttp = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json", """{"ecrRepositoryPrefix":"plain","upstreamRegistryUrl":"http://registry.example.com"}""");

        Assert.False(loopback.TryGetProperty("upstreamRegistry", out _));
        Assert.Equal("team", https.GetProperty("upstreamRepositoryPrefix").GetString());
        Assert.Contains("(UnsupportedUpstreamRegistryException)", remoteHttp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesEcrRefusesAreRefusedWithItsExceptions()
    {
        await _aws.RunAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "taken", "--upstream-registry-url", "quay.io");

        var duplicate = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "taken/", "--upstream-registry-url", "quay.io");
        var mismatch = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "gh", "--upstream-registry-url", "ghcr.io", "--upstream-registry", "quay");
        var noCredential = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "gh", "--upstream-registry-url", "ghcr.io");
        var ecrUpstream = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "up", "--upstream-registry-url", "111122223333.dkr.ecr.us-west-2.amazonaws.com");
        var ecrRole = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "up", "--upstream-registry-url", "111122223333.dkr.ecr.us-west-2.amazonaws.com",
            "--custom-role-arn", "arn:aws:iam::000000000000:role/ecr-ptc");
        var badPrefix = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "Upper", "--upstream-registry-url", "quay.io");
        var missingSecret = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "hub", "--upstream-registry-url", "registry-1.docker.io",
            "--credential-arn", "arn:aws:secretsmanager:us-east-1:000000000000:secret:ecr-pullthroughcache/none-AbCdEf");
        var otherRegion = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "hub", "--upstream-registry-url", "registry-1.docker.io",
            "--credential-arn", "arn:aws:secretsmanager:eu-west-1:000000000000:secret:ecr-pullthroughcache/hub-AbCdEf");

        Assert.Contains("(PullThroughCacheRuleAlreadyExistsException)", duplicate, StringComparison.Ordinal);
        Assert.Contains("The pull through cache rule with prefix 'taken' already exists in the registry with id '000000000000'", duplicate, StringComparison.Ordinal);
        Assert.Contains("(UnsupportedUpstreamRegistryException)", mismatch, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", noCredential, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", ecrUpstream, StringComparison.Ordinal);
        Assert.Contains("upstream registry 'ecr' requires a credentialArn", ecrUpstream, StringComparison.Ordinal);
        Assert.Contains("customRoleArn is not supported by this registry", ecrRole, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", badPrefix, StringComparison.Ordinal);
        Assert.Contains("(SecretNotFoundException)", missingSecret, StringComparison.Ordinal);
        Assert.Contains("(UnableToAccessSecretException)", otherRegion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFiftyFirstRuleIsLimitExceeded()
    {
        // boto3 in one process: fifty aws CLI starts would take a minute on a busy machine.
        var script = $$"""
            import boto3
            ecr = boto3.client("ecr", endpoint_url="{{_server.BaseAddress.ToString().TrimEnd('/')}}", region_name="us-east-1",
                               aws_access_key_id="{{_server.AccessKeyId}}", aws_secret_access_key="{{_server.SecretAccessKey}}")
            for i in range(50):
                ecr.create_pull_through_cache_rule(ecrRepositoryPrefix=f"p{i:02d}", upstreamRegistryUrl="quay.io")
            """;
        await Clients.Tools.ProcessRunner.RunAsync("python3", ["-c", script]);

        var error = await _aws.FailAsync("ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "p50", "--upstream-registry-url", "quay.io");
        var page = await _aws.RunAsync("ecr", "describe-pull-through-cache-rules", "--no-paginate", "--max-results", "20");
        var all = await _aws.RunAsync("ecr", "describe-pull-through-cache-rules", "--page-size", "7");

        Assert.Contains("(LimitExceededException)", error, StringComparison.Ordinal);
        Assert.Equal(20, page.GetProperty("pullThroughCacheRules").GetArrayLength());
        Assert.True(page.TryGetProperty("nextToken", out _));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"p{i:D2}"),
            all.GetProperty("pullThroughCacheRules").EnumerateArray().Select(r => r.GetProperty("ecrRepositoryPrefix").GetString()));
    }

    [Fact]
    public async Task ValidatingARuleWhoseUpstreamIsDownReportsTheFailure()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await _aws.RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json", $$"""{"ecrRepositoryPrefix":"down","upstreamRegistryUrl":"http://127.0.0.1:{{port}}"}""");

        var result = await _aws.RunAsync("ecr", "validate-pull-through-cache-rule", "--ecr-repository-prefix", "down");
        var missing = await _aws.FailAsync("ecr", "validate-pull-through-cache-rule", "--ecr-repository-prefix", "nothing");

        Assert.False(result.GetProperty("isValid").GetBoolean());
        Assert.Contains("could not be reached", result.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.Contains("(PullThroughCacheRuleNotFoundException)", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUserWithoutTheActionIsDenied()
    {
        var iam = new IamCli(_server);
        var user = await iam.CreateUserWithKeyAsync("ptc-reader");
        await iam.RunAsync("iam", "put-user-policy", "--user-name", "ptc-reader", "--policy-name", "describe",
            "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:DescribePullThroughCacheRules","Resource":"*"}]}""");

        var described = await iam.RunAsAsync(user, "ecr", "describe-pull-through-cache-rules");
        var denied = await iam.FailAsAsync(user, "ecr", "create-pull-through-cache-rule", "--ecr-repository-prefix", "quay", "--upstream-registry-url", "quay.io");

        Assert.Equal(JsonValueKind.Array, described.GetProperty("pullThroughCacheRules").ValueKind);
        Assert.Contains("(AccessDeniedException)", denied, StringComparison.Ordinal);
        Assert.Contains("is not authorized to perform: ecr:CreatePullThroughCacheRule on resource: *", denied, StringComparison.Ordinal);
    }

    private async Task<string> SecretAsync(string name) =>
        (await _aws.RunAsync("secretsmanager", "create-secret", "--name", name, "--secret-string", Credential)).GetProperty("ARN").GetString()!;
}
