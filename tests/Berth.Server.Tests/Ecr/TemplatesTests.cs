using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>Create/Describe/Update/DeleteRepositoryCreationTemplate through the real aws CLI.</summary>
public sealed class TemplatesTests : IAsyncLifetime
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage"]}]}""";
    private const string Lifecycle = """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}""";

    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CreateReturnsTheTemplateWithEcrsRepositoryDefaults()
    {
        var result = await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "team-a", "--applied-for", "CREATE_ON_PUSH");

        var template = result.GetProperty("repositoryCreationTemplate");
        Assert.Equal("000000000000", result.GetProperty("registryId").GetString());
        Assert.Equal("team-a", template.GetProperty("prefix").GetString());
        Assert.Equal(["CREATE_ON_PUSH"], template.GetProperty("appliedFor").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("MUTABLE", template.GetProperty("imageTagMutability").GetString());
        Assert.Equal("AES256", template.GetProperty("encryptionConfiguration").GetProperty("encryptionType").GetString());
        Assert.Equal(0, template.GetProperty("resourceTags").GetArrayLength());
        Assert.InRange(template.GetProperty("createdAt").GetDouble(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        Assert.Equal(template.GetProperty("createdAt").GetDouble(), template.GetProperty("updatedAt").GetDouble());
    }

    [Fact]
    public async Task EveryMemberIsStoredAndDescribed()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "prod/team", "--description", "production",
            "--encryption-configuration", "encryptionType=KMS,kmsKey=arn:aws:kms:us-east-1:000000000000:key/1234abcd",
            "--resource-tags", "Key=env,Value=prod", "Key=team,Value=a",
            "--image-tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--image-tag-mutability-exclusion-filters", "filterType=WILDCARD,filter=latest*",
            "--repository-policy", Policy, "--lifecycle-policy", Lifecycle,
            "--applied-for", "CREATE_ON_PUSH", "REPLICATION", "PULL_THROUGH_CACHE",
            "--custom-role-arn", "arn:aws:iam::000000000000:role/ecr-templates");

        var result = await _aws.RunAsync("ecr", "describe-repository-creation-templates", "--prefixes", "prod/team", "missing");

        var template = Assert.Single(result.GetProperty("repositoryCreationTemplates").EnumerateArray());
        Assert.Equal("production", template.GetProperty("description").GetString());
        Assert.Equal("KMS", template.GetProperty("encryptionConfiguration").GetProperty("encryptionType").GetString());
        Assert.Equal("arn:aws:kms:us-east-1:000000000000:key/1234abcd", template.GetProperty("encryptionConfiguration").GetProperty("kmsKey").GetString());
        Assert.Equal(["env=prod", "team=a"], Tags(template));
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION", template.GetProperty("imageTagMutability").GetString());
        Assert.Equal("latest*", template.GetProperty("imageTagMutabilityExclusionFilters")[0].GetProperty("filter").GetString());
        Assert.Equal(Policy, template.GetProperty("repositoryPolicy").GetString());
        Assert.Equal(Lifecycle, template.GetProperty("lifecyclePolicy").GetString());
        Assert.Equal(["CREATE_ON_PUSH", "REPLICATION", "PULL_THROUGH_CACHE"], template.GetProperty("appliedFor").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("arn:aws:iam::000000000000:role/ecr-templates", template.GetProperty("customRoleArn").GetString());
    }

    [Fact]
    public async Task CreatingATemplateForATakenPrefixIsTemplateAlreadyExists()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "ROOT", "--applied-for", "CREATE_ON_PUSH");

        var error = await _aws.FailAsync("ecr", "create-repository-creation-template", "--prefix", "ROOT", "--applied-for", "REPLICATION");

        Assert.Contains("(TemplateAlreadyExistsException)", error, StringComparison.Ordinal);
        Assert.Contains("The repository creation template with prefix 'ROOT' already exists in the registry with id '000000000000'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatingOrDeletingAMissingTemplateIsTemplateNotFound()
    {
        var update = await _aws.FailAsync("ecr", "update-repository-creation-template", "--prefix", "nobody", "--description", "x");
        var delete = await _aws.FailAsync("ecr", "delete-repository-creation-template", "--prefix", "nobody");

        Assert.Contains("(TemplateNotFoundException)", update, StringComparison.Ordinal);
        Assert.Contains("The repository creation template with prefix 'nobody' does not exist in the registry with id '000000000000'", update, StringComparison.Ordinal);
        Assert.Contains("(TemplateNotFoundException)", delete, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateChangesOnlyTheMembersItCarries()
    {
        var created = await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "svc", "--description", "first",
            "--resource-tags", "Key=team,Value=a", "--applied-for", "CREATE_ON_PUSH");

        var updated = (await _aws.RunAsync("ecr", "update-repository-creation-template", "--prefix", "svc",
            "--image-tag-mutability", "IMMUTABLE", "--applied-for", "CREATE_ON_PUSH", "REPLICATION")).GetProperty("repositoryCreationTemplate");

        Assert.Equal("first", updated.GetProperty("description").GetString());
        Assert.Equal(["team=a"], Tags(updated));
        Assert.Equal("IMMUTABLE", updated.GetProperty("imageTagMutability").GetString());
        Assert.Equal(2, updated.GetProperty("appliedFor").GetArrayLength());
        Assert.Equal(created.GetProperty("repositoryCreationTemplate").GetProperty("createdAt").GetDouble(), updated.GetProperty("createdAt").GetDouble());
        Assert.True(updated.GetProperty("updatedAt").GetDouble() >= updated.GetProperty("createdAt").GetDouble());
    }

    [Fact]
    public async Task DeleteReturnsTheTemplateAndRemovesIt()
    {
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "gone", "--applied-for", "CREATE_ON_PUSH");

        var deleted = await _aws.RunAsync("ecr", "delete-repository-creation-template", "--prefix", "gone");
        var described = await _aws.RunAsync("ecr", "describe-repository-creation-templates");

        Assert.Equal("gone", deleted.GetProperty("repositoryCreationTemplate").GetProperty("prefix").GetString());
        Assert.Equal(0, described.GetProperty("repositoryCreationTemplates").GetArrayLength());
    }

    [Theory]
    [InlineData("Team-A")]
    [InlineData("_lead")]
    [InlineData("a//b")]
    public async Task AnInvalidPrefixIsInvalidParameter(string prefix)
    {
        var error = await _aws.FailAsync("ecr", "create-repository-creation-template", "--prefix", prefix, "--applied-for", "CREATE_ON_PUSH");

        Assert.Contains("(InvalidParameterException)", error, StringComparison.Ordinal);
        Assert.Contains("'prefix'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--image-tag-mutability", "MUTABLE", "--image-tag-mutability-exclusion-filters", "filterType=WILDCARD,filter=dev*")]
    [InlineData("--image-tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--description", "no filters")]
    [InlineData("--encryption-configuration", "encryptionType=AES256,kmsKey=arn:aws:kms:us-east-1:000000000000:key/abc", "--description", "x")]
    [InlineData("--repository-policy", "not json", "--description", "x")]
    [InlineData("--repository-policy", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*"}]}""", "--description", "no principal")]
    [InlineData("--lifecycle-policy", "[]", "--description", "x")]
    [InlineData("--applied-for", "CREATE_ON_PUSH", "--custom-role-arn", "arn:aws:iam::111111111111:role/elsewhere")]
    [InlineData("--applied-for", "ON_PULL", "--description", "x")]
    public async Task SettingsEcrRefusesAreInvalidParameter(string option, string value, string other, string otherValue)
    {
        string[] appliedFor = option == "--applied-for" ? [] : ["--applied-for", "CREATE_ON_PUSH"];

        var error = await _aws.FailAsync(["ecr", "create-repository-creation-template", "--prefix", "bad", option, value, other, otherValue, .. appliedFor]);

        Assert.Contains("(InvalidParameterException)", error, StringComparison.Ordinal);
        Assert.Equal(0, (await _aws.RunAsync("ecr", "describe-repository-creation-templates")).GetProperty("repositoryCreationTemplates").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""", "Lifecycle policy validation failure: ")]
    [InlineData("""{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""", "Lifecycle policy validation failure: ")]
    [InlineData("""{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countNumber":1},"action":{"type":"expire"}}]}""", "Lifecycle policy validation failure: ")]
    [InlineData("[]", "Lifecycle policy validation failure: Could not map policyString into LifecyclePolicy.")]
    public async Task ALifecyclePolicyPutLifecyclePolicyRefusesIsRefusedWhenTheTemplateIsSavedWithTheSameMessage(string policy, string expected)
    {
        var repository = BerthTestServer.NewRepositoryName("lifecycle");
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", repository);

        var put = await _aws.FailAsync("ecr", "put-lifecycle-policy", "--repository-name", repository, "--lifecycle-policy-text", policy.PadRight(100));
        var created = await _aws.FailAsync("ecr", "create-repository-creation-template", "--prefix", "bad", "--applied-for", "CREATE_ON_PUSH", "--lifecycle-policy", policy);
        await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", "good", "--applied-for", "CREATE_ON_PUSH", "--lifecycle-policy", Lifecycle);
        var updated = await _aws.FailAsync("ecr", "update-repository-creation-template", "--prefix", "good", "--lifecycle-policy", policy);

        Assert.Contains("(InvalidParameterException)", created, StringComparison.Ordinal);
        Assert.Contains(expected, created, StringComparison.Ordinal);
        Assert.Equal(Message(put), Message(created));
        Assert.Equal(Message(put), Message(updated));
        var templates = (await _aws.RunAsync("ecr", "describe-repository-creation-templates")).GetProperty("repositoryCreationTemplates");
        Assert.Equal(Lifecycle, Assert.Single(templates.EnumerateArray()).GetProperty("lifecyclePolicy").GetString());
    }

    [Fact]
    public async Task DescribePagesInPrefixOrder()
    {
        string[] prefixes = ["d", "ROOT", "a/b", "c", "a"];
        foreach (var prefix in prefixes)
        {
            await _aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", prefix, "--applied-for", "CREATE_ON_PUSH");
        }

        var first = await _aws.RunAsync("ecr", "describe-repository-creation-templates", "--no-paginate", "--max-results", "2");
        var second = await _aws.RunAsync("ecr", "describe-repository-creation-templates", "--no-paginate", "--max-results", "2",
            "--next-token", first.GetProperty("nextToken").GetString()!);
        var all = await _aws.RunAsync("ecr", "describe-repository-creation-templates", "--page-size", "2");

        Assert.Equal(["ROOT", "a"], Prefixes(first));
        Assert.Equal(["a/b", "c"], Prefixes(second));
        Assert.Equal(["ROOT", "a", "a/b", "c", "d"], Prefixes(all));
    }

    [Fact]
    public async Task AForeignNextTokenIsInvalidParameter()
    {
        var error = await _aws.FailAsync("ecr", "describe-repository-creation-templates", "--no-paginate", "--next-token", "not-a-token");

        Assert.Contains("(InvalidParameterException)", error, StringComparison.Ordinal);
    }

    /// <summary>The exception and message of an "An error occurred (Code) when calling the Operation operation: message" text.</summary>
    private static string Message(string error) => error[..error.IndexOf(" when calling", StringComparison.Ordinal)] + error[error.IndexOf("operation:", StringComparison.Ordinal)..];

    private static IEnumerable<string?> Prefixes(JsonElement result) =>
        result.GetProperty("repositoryCreationTemplates").EnumerateArray().Select(t => t.GetProperty("prefix").GetString());

    private static IEnumerable<string> Tags(JsonElement template) =>
        template.GetProperty("resourceTags").EnumerateArray().Select(t => $"{t.GetProperty("Key").GetString()}={t.GetProperty("Value").GetString()}");
}
