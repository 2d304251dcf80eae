using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>Repository operations through the real aws CLI, with real SigV4.</summary>
public sealed class RepositoryTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CreateRepositoryReturnsTheRepositoryWithEcrDefaults()
    {
        var result = await _aws.RunAsync("ecr", "create-repository", "--repository-name", "my-web-app");

        var repository = result.GetProperty("repository");
        Assert.Equal("arn:aws:ecr:us-east-1:000000000000:repository/my-web-app", repository.GetProperty("repositoryArn").GetString());
        Assert.Equal("000000000000", repository.GetProperty("registryId").GetString());
        Assert.Equal($"{_server.Host}/my-web-app", repository.GetProperty("repositoryUri").GetString());
        Assert.Equal("MUTABLE", repository.GetProperty("imageTagMutability").GetString());
        Assert.False(repository.GetProperty("imageScanningConfiguration").GetProperty("scanOnPush").GetBoolean());
        Assert.Equal("AES256", repository.GetProperty("encryptionConfiguration").GetProperty("encryptionType").GetString());
        Assert.InRange(repository.GetProperty("createdAt").GetDouble(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
    }

    [Fact]
    public async Task CreateRepositoryStoresSettingsAndResourceTags()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "team/app",
            "--image-tag-mutability", "IMMUTABLE_WITH_EXCLUSION", "--image-tag-mutability-exclusion-filters", "filterType=WILDCARD,filter=dev-*",
            "--image-scanning-configuration", "scanOnPush=true", "--tags", "Key=team,Value=a", "Key=env,Value=prod");

        var described = (await _aws.RunAsync("ecr", "describe-repositories", "--repository-names", "team/app")).GetProperty("repositories")[0];
        var tags = await _aws.RunAsync("ecr", "list-tags-for-resource", "--resource-arn", "arn:aws:ecr:us-east-1:000000000000:repository/team/app");

        Assert.Equal("IMMUTABLE_WITH_EXCLUSION", described.GetProperty("imageTagMutability").GetString());
        Assert.Equal("dev-*", described.GetProperty("imageTagMutabilityExclusionFilters")[0].GetProperty("filter").GetString());
        Assert.True(described.GetProperty("imageScanningConfiguration").GetProperty("scanOnPush").GetBoolean());
        Assert.Equal(["env=prod", "team=a"], tags.GetProperty("tags").EnumerateArray().Select(t => $"{t.GetProperty("Key").GetString()}={t.GetProperty("Value").GetString()}"));
    }

    [Fact]
    public async Task CreatingAnExistingRepositoryIsRepositoryAlreadyExists()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "twice");
        var error = await _aws.FailAsync("ecr", "create-repository", "--repository-name", "twice");
        Assert.Contains("(RepositoryAlreadyExistsException)", error, StringComparison.Ordinal);
        Assert.Contains("The repository with name 'twice' already exists in the registry with id '000000000000'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("-lead")]
    [InlineData("bad__-name")]
    [InlineData("abc\n")]
    [InlineData("team/abc\n")]
    public async Task AnInvalidRepositoryNameIsInvalidParameter(string name)
    {
        var error = await _aws.FailAsync("ecr", "create-repository", $"--repository-name={name}");
        Assert.Contains("(InvalidParameterException)", error, StringComparison.Ordinal);
        Assert.Equal(0, (await _aws.RunAsync("ecr", "describe-repositories")).GetProperty("repositories").GetArrayLength());
    }

    [Fact]
    public async Task AKmsRepositoryWithoutAKeyReportsTheAccountsAwsEcrKeyArn()
    {
        var created = (await _aws.RunAsync("ecr", "create-repository", "--repository-name", "kms/app", "--encryption-configuration", "encryptionType=KMS")).GetProperty("repository");
        var described = (await _aws.RunAsync("ecr", "describe-repositories", "--repository-names", "kms/app")).GetProperty("repositories")[0];
        var plain = (await _aws.RunAsync("ecr", "create-repository", "--repository-name", "plain/app")).GetProperty("repository");

        var key = created.GetProperty("encryptionConfiguration").GetProperty("kmsKey").GetString()!;
        Assert.Matches("^arn:aws:kms:us-east-1:000000000000:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", key);
        Assert.Equal(key, described.GetProperty("encryptionConfiguration").GetProperty("kmsKey").GetString());
        Assert.False(plain.GetProperty("encryptionConfiguration").TryGetProperty("kmsKey", out _));
    }

    [Fact]
    public async Task DescribingAMissingRepositoryIsRepositoryNotFound()
    {
        var error = await _aws.FailAsync("ecr", "describe-repositories", "--repository-names", "nowhere");
        Assert.Contains("(RepositoryNotFoundException) when calling the DescribeRepositories operation: The repository with name 'nowhere' does not exist in the registry with id '000000000000'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeRepositoriesPagesWithAnOpaqueToken()
    {
        for (var i = 0; i < 7; i++)
        {
            await _aws.RunAsync("ecr", "create-repository", "--repository-name", $"paged/r{i}");
        }

        var first = await _aws.RunAsync("ecr", "describe-repositories", "--max-results", "3", "--no-paginate");
        var all = await _aws.RunAsync("ecr", "describe-repositories", "--page-size", "2");

        Assert.Equal(3, first.GetProperty("repositories").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("nextToken").GetString()));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"paged/r{i}"), all.GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("repositoryName").GetString()));
        Assert.Contains("InvalidParameterException", await _aws.FailAsync("ecr", "describe-repositories", "--max-results", "1001"), StringComparison.Ordinal);
        Assert.Contains("InvalidParameterException", await _aws.FailAsync("ecr", "describe-repositories", "--starting-token", "garbage", "--max-items", "1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingARepositoryWithImagesNeedsForce()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "full");
        await PushImageAsync("full");

        var refused = await _aws.FailAsync("ecr", "delete-repository", "--repository-name", "full");
        var deleted = await _aws.RunAsync("ecr", "delete-repository", "--repository-name", "full", "--force");
        var gone = await _aws.FailAsync("ecr", "describe-repositories", "--repository-names", "full");

        Assert.Contains("(RepositoryNotEmptyException)", refused, StringComparison.Ordinal);
        Assert.Equal("full", deleted.GetProperty("repository").GetProperty("repositoryName").GetString());
        Assert.Contains("(RepositoryNotFoundException)", gone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutImageTagMutabilityAndScanningConfigurationChangeTheRepository()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "settings");

        var mutability = await _aws.RunAsync("ecr", "put-image-tag-mutability", "--repository-name", "settings", "--image-tag-mutability", "IMMUTABLE");
        var scanning = await _aws.RunAsync("ecr", "put-image-scanning-configuration", "--repository-name", "settings", "--image-scanning-configuration", "scanOnPush=true");
        var invalid = await _aws.FailAsync("ecr", "put-image-tag-mutability", "--repository-name", "settings", "--image-tag-mutability", "MUTABLE",
            "--image-tag-mutability-exclusion-filters", "filterType=WILDCARD,filter=x*");

        Assert.Equal("IMMUTABLE", mutability.GetProperty("imageTagMutability").GetString());
        Assert.True(scanning.GetProperty("imageScanningConfiguration").GetProperty("scanOnPush").GetBoolean());
        Assert.Contains("(InvalidParameterException)", invalid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourceTagsAreAddedAndRemovedWithinTheQuota()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "tagged");
        const string arn = "arn:aws:ecr:us-east-1:000000000000:repository/tagged";

        await _aws.RunAsync("ecr", "tag-resource", "--resource-arn", arn, "--tags", "Key=a,Value=1", "Key=b,Value=2");
        await _aws.RunAsync("ecr", "untag-resource", "--resource-arn", arn, "--tag-keys", "a");
        var tags = await _aws.RunAsync("ecr", "list-tags-for-resource", "--resource-arn", arn);
        var tooMany = await _aws.FailAsync(["ecr", "tag-resource", "--resource-arn", arn, "--tags", .. Enumerable.Range(0, 50).Select(i => $"Key=k{i},Value=v")]);
        var badArn = await _aws.FailAsync("ecr", "list-tags-for-resource", "--resource-arn", "arn:aws:ecr:us-east-1:000000000000:repository/none");

        Assert.Equal("b", Assert.Single(tags.GetProperty("tags").EnumerateArray()).GetProperty("Key").GetString());
        Assert.Contains("(TooManyTagsException)", tooMany, StringComparison.Ordinal);
        Assert.Contains("(RepositoryNotFoundException)", badArn, StringComparison.Ordinal);
    }

    private async Task PushImageAsync(string repository)
    {
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        using var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("AWS:" + password)));
        await client.PushImageAsync(repository, "v1");
    }
}
