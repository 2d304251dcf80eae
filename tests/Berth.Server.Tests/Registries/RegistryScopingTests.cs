using System.Net;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Registries;

/// <summary>
/// Several registries in one deployment, through the real aws CLI and raw /v2/ requests with explicit Host headers:
/// regions and accounts each have their own repositories, and the registry of a call is (account, region).
/// </summary>
public sealed class RegistryScopingTests(MultiRegistryFixture fixture) : IClassFixture<MultiRegistryFixture>
{
    private const string Default = MultiRegistryFixture.Default;
    private const string Second = MultiRegistryFixture.Second;

    [Fact]
    public async Task ARepositoryCreatedInEuWest1IsInvisibleInUsEast1AndNamesItsRegistry()
    {
        var created = Json(await fixture.AwsAsync(Default, "eu-west-1", "ecr", "create-repository", "--repository-name", "regional/app"));
        var europe = Json(await fixture.AwsAsync(Default, "eu-west-1", "ecr", "describe-repositories"));
        var virginia = Json(await fixture.AwsAsync(Default, "us-east-1", "ecr", "describe-repositories"));
        var missing = await fixture.AwsAsync(Default, "us-east-1", "ecr", "describe-repositories", "--repository-names", "regional/app");

        var repository = created.GetProperty("repository");
        Assert.Equal("arn:aws:ecr:eu-west-1:000000000000:repository/regional/app", repository.GetProperty("repositoryArn").GetString());
        Assert.Equal(Default, repository.GetProperty("registryId").GetString());

        // Reached by an IP address without Berth:RegistryDomain, a registry's name cannot be derived: the address is reported.
        Assert.Equal($"127.0.0.1:{fixture.Server.BaseAddress.Port}/regional/app", repository.GetProperty("repositoryUri").GetString());
        Assert.Contains(Names(europe), n => n == "regional/app");
        Assert.DoesNotContain(Names(virginia), n => n == "regional/app");
        Assert.Contains("RepositoryNotFoundException", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GovCloudAndAsiaPacificRegionsAreServedAndAMalformedRegionIsRefusedBySigV4()
    {
        var gov = Json(await fixture.AwsAsync(Default, "us-gov-west-1", "ecr", "create-repository", "--repository-name", "gov/app"));
        var sydney = Json(await fixture.AwsAsync(Default, "ap-southeast-2", "ecr", "describe-repositories"));
        var malformed = await fixture.AwsAsync(Default, "mars", "ecr", "describe-repositories");

        Assert.Equal("arn:aws-us-gov:ecr:us-gov-west-1:000000000000:repository/gov/app", gov.GetProperty("repository").GetProperty("repositoryArn").GetString());
        Assert.Empty(Names(sydney));
        Assert.NotEqual(0, malformed.ExitCode);
        Assert.Contains("Credential should be scoped to a valid region, not 'mars'", malformed.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSecondAccountSeesOnlyItsOwnRepositoriesOfTheSameName()
    {
        Json(await fixture.AwsAsync(Default, "us-east-1", "ecr", "create-repository", "--repository-name", "shared/app", "--image-tag-mutability", "IMMUTABLE"));
        var second = Json(await fixture.AwsAsync(Second, "us-east-1", "ecr", "create-repository", "--repository-name", "shared/app"));
        var listed = Json(await fixture.AwsAsync(Second, "us-east-1", "ecr", "describe-repositories"));

        var repository = second.GetProperty("repository");
        Assert.Equal("arn:aws:ecr:us-east-1:111111111111:repository/shared/app", repository.GetProperty("repositoryArn").GetString());
        Assert.Equal(Second, repository.GetProperty("registryId").GetString());
        Assert.Equal("MUTABLE", repository.GetProperty("imageTagMutability").GetString());
        var only = Assert.Single(listed.GetProperty("repositories").EnumerateArray());
        Assert.Equal("shared/app", only.GetProperty("repositoryName").GetString());
    }

    [Fact]
    public async Task NamingAnotherAccountsRegistryIsAccessDeniedWithAwsWording()
    {
        var other = await fixture.AwsAsync(Second, "us-east-1", "ecr", "describe-repositories", "--registry-id", Default);
        var unknown = await fixture.AwsAsync(Default, "us-east-1", "ecr", "describe-images", "--registry-id", "999999999999", "--repository-name", "app");
        var own = await fixture.AwsAsync(Second, "us-east-1", "ecr", "describe-repositories", "--registry-id", Second);

        Assert.Contains(
            "An error occurred (AccessDeniedException) when calling the DescribeRepositories operation: User: arn:aws:iam::111111111111:root is not authorized to perform: " +
            "ecr:DescribeRepositories on resource: arn:aws:ecr:us-east-1:000000000000:repository/* because no resource-based policy allows the ecr:DescribeRepositories action",
            other.StandardError, StringComparison.Ordinal);
        Assert.Contains(
            "User: arn:aws:iam::000000000000:root is not authorized to perform: ecr:DescribeImages on resource: arn:aws:ecr:us-east-1:999999999999:repository/app " +
            "because no resource-based policy allows the ecr:DescribeImages action", unknown.StandardError, StringComparison.Ordinal);
        Assert.True(own.ExitCode == 0, own.StandardError);
    }

    [Fact]
    public async Task V2RoutesByHostAndEachCatalogListsOnlyItsRegistry()
    {
        Json(await fixture.AwsAsync(Second, "eu-west-1", "ecr", "create-repository", "--repository-name", "routed/eu"));
        var password = await fixture.PasswordAsync(Second, "eu-west-1");

        using var europe = await fixture.GetAsync(fixture.HostOf(Second, "eu-west-1"), "/v2/_catalog", password);
        using var upper = await fixture.GetAsync(fixture.HostOf(Second, "EU-WEST-1").Replace("DKR.ECR", "dkr.ecr", StringComparison.Ordinal), "/v2/routed/eu/tags/list", password);
        using var virginia = await fixture.GetAsync(fixture.HostOf(Second, "us-east-1"), "/v2/_catalog", password);

        Assert.Equal(HttpStatusCode.OK, europe.StatusCode);
        Assert.Equal(["routed/eu"], JsonDocument.Parse(await europe.Content.ReadAsStringAsync()).RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, upper.StatusCode);

        // A token of eu-west-1 is not valid for us-east-1 (ECR's 403).
        Assert.Equal(HttpStatusCode.Forbidden, virginia.StatusCode);
        Assert.Contains("DENIED", await virginia.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenOfAnotherAccountIsDeniedWithEcrWordingAndAnUnknownAccountIsNameUnknown()
    {
        Json(await fixture.AwsAsync(Default, "us-east-1", "ecr", "create-repository", "--repository-name", "private/app"));
        var secondPassword = await fixture.PasswordAsync(Second, "us-east-1");
        var defaultPassword = await fixture.PasswordAsync(Default, "us-east-1");

        using var denied = await fixture.GetAsync(fixture.HostOf(Default, "us-east-1"), "/v2/private/app/manifests/latest", secondPassword);
        using var deniedOnPlainHost = await fixture.GetAsync(fixture.Server.Host, "/v2/private/app/tags/list", secondPassword);
        using var unknown = await fixture.GetAsync(fixture.HostOf("999999999999", "us-east-1"), "/v2/private/app/tags/list", defaultPassword);
        using var unknownBase = await fixture.GetAsync(fixture.HostOf("999999999999", "us-east-1"), "/v2/", defaultPassword);
        using var anonymous = await fixture.GetAsync(fixture.HostOf("999999999999", "us-east-1"), "/v2/", null);

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var error = JsonDocument.Parse(await denied.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal("DENIED", error.GetProperty("code").GetString());
        Assert.Equal(
            "User: arn:aws:iam::111111111111:root is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:000000000000:repository/private/app " +
            "because no resource-based policy allows the ecr:BatchGetImage action", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, deniedOnPlainHost.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var unknownError = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal("NAME_UNKNOWN", unknownError.GetProperty("code").GetString());
        Assert.Equal("The repository with name 'private/app' does not exist in the registry with id '999999999999'", unknownError.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownBase.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static JsonElement Json(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }

    private static List<string?> Names(JsonElement described) =>
        described.GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("repositoryName").GetString()).ToList();
}
