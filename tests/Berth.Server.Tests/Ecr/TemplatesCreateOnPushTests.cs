using System.Net;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>
/// CREATE_ON_PUSH: a /v2/ push into a missing repository creates it from the matching template (longest prefix,
/// ROOT last), or is refused as ECR refuses it.
/// </summary>
public sealed class TemplatesCreateOnPushTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;
    private HttpClient _registry = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
        _registry = await RegistryLogin.ClientAsync(_server, _aws);
    }

    public async Task DisposeAsync()
    {
        _registry.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task APushMatchingATemplateCreatesTheRepositoryWithItsSettingsAndTags()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "team-a", "--applied-for", "CREATE_ON_PUSH",
            "--image-tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--image-tag-mutability-exclusion-filters", "filterType=WILDCARD,filter=latest",
            "--encryption-configuration", "encryptionType=KMS,kmsKey=arn:aws:kms:us-east-1:000000000000:key/team-a",
            "--resource-tags", "Key=team,Value=a", "Key=cost-center,Value=42");

        await _registry.PushImageAsync("team-a/new-app", "v1");

        var repository = (await _aws.RunAsync("ecr", "describe-repositories", "--repository-names", "team-a/new-app")).GetProperty("repositories")[0];
        var tags = await _aws.RunAsync("ecr", "list-tags-for-resource", "--resource-arn", "arn:aws:ecr:us-east-1:000000000000:repository/team-a/new-app");
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION", repository.GetProperty("imageTagMutability").GetString());
        Assert.Equal("latest", repository.GetProperty("imageTagMutabilityExclusionFilters")[0].GetProperty("filter").GetString());
        Assert.Equal("KMS", repository.GetProperty("encryptionConfiguration").GetProperty("encryptionType").GetString());
        Assert.Equal("arn:aws:kms:us-east-1:000000000000:key/team-a", repository.GetProperty("encryptionConfiguration").GetProperty("kmsKey").GetString());
        Assert.Equal(["cost-center=42", "team=a"], Tags(tags));
    }

    [Fact]
    public async Task TheTemplatesMutabilityGovernsTheCreatedRepository()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "frozen", "--applied-for", "CREATE_ON_PUSH", "--image-tag-mutability", "IMMUTABLE");
        await _registry.PushImageAsync("frozen/app", "v1");

        var (manifest, _) = await SecondImageAsync("frozen/app");
        using var retag = await _registry.PutManifestAsync("frozen/app", "v1", manifest, OciTestClient.OciManifest);

        Assert.Equal(HttpStatusCode.BadRequest, retag.StatusCode);
        Assert.Equal("TAG_INVALID", await OciTestClient.ErrorCodeAsync(retag));
    }

    [Fact]
    public async Task APushNoTemplateMatchesIsNameUnknownWithEcrsMessage()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "team-a", "--applied-for", "CREATE_ON_PUSH");

        using var response = await _registry.PostAsync("/v2/team-ab/app/blobs/uploads/", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("errors")[0];
        Assert.Equal("NAME_UNKNOWN", error.GetProperty("code").GetString());
        Assert.Equal("The repository with name 'team-ab/app' does not exist in the registry with id '000000000000'", error.GetProperty("message").GetString());
        Assert.Contains("(RepositoryNotFoundException)", await _aws.FailAsync("ecr", "describe-repositories", "--repository-names", "team-ab/app"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATemplateNotAppliedForCreateOnPushCreatesNothing()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "mirror", "--applied-for", "REPLICATION", "PULL_THROUGH_CACHE");

        using var response = await _registry.PostAsync("/v2/mirror/app/blobs/uploads/", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NAME_UNKNOWN", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task TheLongestMatchingPrefixWinsAndRootMatchesTheRest()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "ROOT", "--applied-for", "CREATE_ON_PUSH", "--resource-tags", "Key=from,Value=root");
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "org", "--applied-for", "CREATE_ON_PUSH", "--resource-tags", "Key=from,Value=org");
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "org/team/", "--applied-for", "CREATE_ON_PUSH", "--resource-tags", "Key=from,Value=team");

        await _registry.PushBlobAsync("org/team/api", OciTestClient.RandomBytes(16));
        await _registry.PushBlobAsync("org/web", OciTestClient.RandomBytes(16));
        await _registry.PushBlobAsync("standalone", OciTestClient.RandomBytes(16));

        Assert.Equal(["from=team"], Tags(await TagsOfAsync("org/team/api")));
        Assert.Equal(["from=org"], Tags(await TagsOfAsync("org/web")));
        Assert.Equal(["from=root"], Tags(await TagsOfAsync("standalone")));
    }

    [Fact]
    public async Task AMountIntoAMissingRepositoryAlsoCreatesItFromTheTemplate()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "mounted", "--applied-for", "CREATE_ON_PUSH", "--resource-tags", "Key=via,Value=mount");
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "base");
        var digest = await _registry.PushBlobAsync("base", OciTestClient.RandomBytes(32));

        using var response = await _registry.PostAsync($"/v2/mounted/app/blobs/uploads/?mount={digest}&from=base", null);

        // BLOB_MOUNTING is DISABLED by default, so the mount becomes an upload, into a repository the template created.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["via=mount"], Tags(await TagsOfAsync("mounted/app")));
        using var head = await _registry.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/mounted/app/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task TheTemplatesRepositoryPolicyIsTheCreatedRepositorysPolicyAndIsEnforced()
    {
        const string Policy = """{"Version":"2012-10-17","Statement":[{"Sid":"keep","Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository"}]}""";
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "guarded", "--applied-for", "CREATE_ON_PUSH", "--repository-policy", Policy);

        await _registry.PushImageAsync("guarded/app", "v1");

        var policy = await _aws.RunAsync("ecr", "get-repository-policy", "--repository-name", "guarded/app");
        var refused = await _aws.FailAsync("ecr", "delete-repository", "--repository-name", "guarded/app", "--force");
        Assert.Equal(Policy, policy.GetProperty("policyText").GetString());
        Assert.Contains(
            "User: arn:aws:iam::000000000000:root is not authorized to perform: ecr:DeleteRepository on resource: arn:aws:ecr:us-east-1:000000000000:repository/guarded/app with an explicit deny in a resource-based policy",
            refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRepositoryOnPushStandsInForARootTemplateThatARealTemplateOverrides()
    {
        await using var server = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?> { ["Berth:CreateRepositoryOnPush"] = "true" });
        var aws = new AwsCli(server);
        using var registry = await RegistryLogin.ClientAsync(server, aws);
        await aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "tagged", "--applied-for", "CREATE_ON_PUSH", "--resource-tags", "Key=t,Value=1");

        await registry.PushImageAsync("anything/goes", "v1");
        await registry.PushBlobAsync("tagged/app", OciTestClient.RandomBytes(8));

        var plain = (await aws.RunAsync("ecr", "describe-repositories", "--repository-names", "anything/goes")).GetProperty("repositories")[0];
        Assert.Equal("MUTABLE", plain.GetProperty("imageTagMutability").GetString());
        Assert.Empty(Tags(await aws.RunAsync("ecr", "list-tags-for-resource", "--resource-arn", "arn:aws:ecr:us-east-1:000000000000:repository/anything/goes")));
        Assert.Equal(["t=1"], Tags(await aws.RunAsync("ecr", "list-tags-for-resource", "--resource-arn", "arn:aws:ecr:us-east-1:000000000000:repository/tagged/app")));
    }

    private async Task<(byte[] Manifest, string Digest)> SecondImageAsync(string repository)
    {
        var config = "{\"architecture\":\"arm64\",\"os\":\"linux\"}"u8.ToArray();
        var configDigest = await _registry.PushBlobAsync(repository, config);
        var manifest = OciTestClient.ImageManifest(configDigest, config.Length, []);
        return (manifest, OciTestClient.DigestOf(manifest));
    }

    private Task<JsonElement> TagsOfAsync(string repository) =>
        _aws.RunAsync("ecr", "list-tags-for-resource", "--resource-arn", $"arn:aws:ecr:us-east-1:000000000000:repository/{repository}");

    private static IEnumerable<string> Tags(JsonElement result) =>
        result.GetProperty("tags").EnumerateArray().Select(t => $"{t.GetProperty("Key").GetString()}={t.GetProperty("Value").GetString()}");
}
