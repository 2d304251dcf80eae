using System.Net;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Registries;

namespace Berth.Server.Tests.Authorization;

/// <summary>
/// PutRegistryPolicy / GetRegistryPolicy / DeleteRegistryPolicy through the real aws CLI, and their enforcement under
/// REGISTRY_POLICY_SCOPE V2 (ECR's default: every ECR action, on both faces) and V1 (CreateRepository, ReplicateImage
/// and BatchImportUpstreamImage only). A registry policy covers its whole registry, so this class has its own server
/// and each test works in its own region.
/// </summary>
public sealed class RegistryPolicyTests(MultiRegistryFixture fixture) : IClassFixture<MultiRegistryFixture>
{
    private const string Account = MultiRegistryFixture.Default;
    private const string Second = MultiRegistryFixture.Second;
    private readonly IamCli _aws = new(fixture.Server);

    [Fact]
    public async Task RegistryPoliciesRoundTripAndAnInvalidOneIsRefusedWithNothingStored()
    {
        const string Region = "us-west-1";
        var policy = $$"""{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationAccessCrossAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Second}}:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":["arn:aws:ecr:{{Region}}:{{Account}}:repository/*"]}]}""";

        var missingBefore = await _aws.FailAsync("ecr", "get-registry-policy", "--region", Region);
        var malformed = await _aws.FailAsync("ecr", "put-registry-policy", "--region", Region, "--policy-text", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}""");
        var noResource = await _aws.FailAsync("ecr", "put-registry-policy", "--region", Region, "--policy-text",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{Second}}"},"Action":"ecr:ReplicateImage"}]}""");
        var notJson = await _aws.FailAsync("ecr", "put-registry-policy", "--region", Region, "--policy-text", "not a policy");
        var stillMissing = await _aws.FailAsync("ecr", "get-registry-policy", "--region", Region);
        var put = await _aws.RunAsync("ecr", "put-registry-policy", "--region", Region, "--policy-text", policy);
        var got = await _aws.RunAsync("ecr", "get-registry-policy", "--region", Region);
        var otherRegion = await _aws.FailAsync("ecr", "get-registry-policy", "--region", "us-west-2");
        var deleted = await _aws.RunAsync("ecr", "delete-registry-policy", "--region", Region);
        var missingAfter = await _aws.FailAsync("ecr", "delete-registry-policy", "--region", Region);

        var notFound = $"(RegistryPolicyNotFoundException) when calling the GetRegistryPolicy operation: Registry policy does not exist in the registry with id '{Account}'";
        const string Invalid = "(InvalidParameterException) when calling the PutRegistryPolicy operation: Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'";
        Assert.Contains(notFound, missingBefore, StringComparison.Ordinal);
        Assert.Contains(Invalid, malformed, StringComparison.Ordinal);
        Assert.Contains(Invalid, noResource, StringComparison.Ordinal);
        Assert.Contains(Invalid, notJson, StringComparison.Ordinal);
        Assert.Contains(notFound, stillMissing, StringComparison.Ordinal);
        foreach (var response in new[] { put, got, deleted })
        {
            Assert.Equal(Account, response.GetProperty("registryId").GetString());
            Assert.Equal(policy, response.GetProperty("policyText").GetString());
        }

        Assert.Contains(notFound, otherRegion, StringComparison.Ordinal);
        Assert.Contains($"(RegistryPolicyNotFoundException) when calling the DeleteRegistryPolicy operation: Registry policy does not exist in the registry with id '{Account}'", missingAfter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderScopeV2ARegistryPolicyLetsAnotherAccountInOnBothFaces()
    {
        const string Region = "eu-central-1";
        await fixture.AwsAsync(Account, Region, "ecr", "create-repository", "--repository-name", "regpol/app");
        var password = await fixture.PasswordAsync(Second, Region);
        string[] describe = ["ecr", "describe-repositories", "--registry-id", Account, "--repository-names", "regpol/app"];

        var ecrBefore = await fixture.AwsAsync(Second, Region, describe);
        using var v2Before = await fixture.GetAsync(fixture.HostOf(Account, Region), "/v2/regpol/app/tags/list", password);
        var scope = await fixture.AwsAsync(Account, Region, "ecr", "get-account-setting", "--name", "REGISTRY_POLICY_SCOPE");
        var put = await fixture.AwsAsync(Account, Region, "ecr", "put-registry-policy", "--policy-text", $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"ReadFromSecond","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Second}}:root"},
             "Action":["ecr:DescribeRepositories","ecr:ListImages"],"Resource":"arn:aws:ecr:{{Region}}:{{Account}}:repository/regpol/*"}]}
            """);
        var ecrAfter = await fixture.AwsAsync(Second, Region, describe);
        using var v2After = await fixture.GetAsync(fixture.HostOf(Account, Region), "/v2/regpol/app/tags/list", password);
        var notGranted = await fixture.AwsAsync(Second, Region, "ecr", "delete-repository", "--registry-id", Account, "--repository-name", "regpol/app");

        Assert.Contains(
            $"(AccessDeniedException) when calling the DescribeRepositories operation: User: arn:aws:iam::{Second}:root is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:{Region}:{Account}:repository/regpol/app because no resource-based policy allows the ecr:DescribeRepositories action",
            ecrBefore.StandardError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, v2Before.StatusCode);
        Assert.Contains("\"value\": \"V2\"", scope.StandardOutput, StringComparison.Ordinal);
        Assert.True(put.ExitCode == 0, put.StandardError);
        Assert.True(ecrAfter.ExitCode == 0, ecrAfter.StandardError);
        Assert.Contains("\"repositoryName\": \"regpol/app\"", ecrAfter.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, v2After.StatusCode);
        Assert.Contains("because no resource-based policy allows the ecr:DeleteRepository action", notGranted.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderScopeV2AnExplicitDenyInTheRegistryPolicyStopsEvenTheRoot()
    {
        const string Region = "eu-west-1";
        await fixture.AwsAsync(Account, Region, "ecr", "create-repository", "--repository-name", "guarded/app");
        await fixture.AwsAsync(Account, Region, "ecr", "put-registry-policy", "--policy-text", """
            {"Version":"2012-10-17","Statement":[{"Sid":"NoDeletes","Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository","Resource":"*"}]}
            """);

        var refused = await fixture.AwsAsync(Account, Region, "ecr", "delete-repository", "--repository-name", "guarded/app");
        var described = await fixture.AwsAsync(Account, Region, "ecr", "describe-repositories", "--repository-names", "guarded/app");
        await fixture.AwsAsync(Account, Region, "ecr", "delete-registry-policy");
        var deleted = await fixture.AwsAsync(Account, Region, "ecr", "delete-repository", "--repository-name", "guarded/app");

        Assert.Contains(
            $"(AccessDeniedException) when calling the DeleteRepository operation: User: arn:aws:iam::{Account}:root is not authorized to perform: ecr:DeleteRepository on resource: arn:aws:ecr:{Region}:{Account}:repository/guarded/app with an explicit deny in a resource-based policy",
            refused.StandardError, StringComparison.Ordinal);
        Assert.True(described.ExitCode == 0, described.StandardError);
        Assert.True(deleted.ExitCode == 0, deleted.StandardError);
    }

    [Fact]
    public async Task UnderScopeV1OnlyTheReplicationActionsAreGovernedAndAllowed()
    {
        const string Region = "ap-south-1";
        await fixture.AwsAsync(Account, Region, "ecr", "create-repository", "--repository-name", "v1/app");
        var scope = await fixture.AwsAsync(Account, Region, "ecr", "put-account-setting", "--name", "REGISTRY_POLICY_SCOPE", "--value", "V1");

        var tooBroad = await fixture.AwsAsync(Account, Region, "ecr", "put-registry-policy", "--policy-text", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{Second}}"},"Action":"ecr:DescribeRepositories","Resource":"*"}]}
            """);
        var put = await fixture.AwsAsync(Account, Region, "ecr", "put-registry-policy", "--policy-text", $$"""
            {"Version":"2012-10-17","Statement":[
             {"Sid":"Replication","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Second}}:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:{{Region}}:{{Account}}:repository/*"},
             {"Sid":"NoCreate","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"arn:aws:ecr:{{Region}}:{{Account}}:repository/blocked/*"}]}
            """);
        var blockedCreate = await fixture.AwsAsync(Account, Region, "ecr", "create-repository", "--repository-name", "blocked/app");
        var ungovernedDescribe = await fixture.AwsAsync(Account, Region, "ecr", "describe-repositories", "--repository-names", "v1/app");
        var secondDescribe = await fixture.AwsAsync(Second, Region, "ecr", "describe-repositories", "--registry-id", Account, "--repository-names", "v1/app");
        var secondCreate = await fixture.AwsAsync(Second, Region, "ecr", "create-repository", "--registry-id", Account, "--repository-name", "replicated/app");

        Assert.True(scope.ExitCode == 0, scope.StandardError);
        Assert.Contains("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'", tooBroad.StandardError, StringComparison.Ordinal);
        Assert.True(put.ExitCode == 0, put.StandardError);
        Assert.Contains("with an explicit deny in a resource-based policy", blockedCreate.StandardError, StringComparison.Ordinal);
        Assert.True(ungovernedDescribe.ExitCode == 0, ungovernedDescribe.StandardError);
        Assert.Contains("because no resource-based policy allows the ecr:DescribeRepositories action", secondDescribe.StandardError, StringComparison.Ordinal);
        Assert.True(secondCreate.ExitCode == 0, secondCreate.StandardError);
    }
}
