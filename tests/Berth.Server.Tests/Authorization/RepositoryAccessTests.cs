using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Registries;

namespace Berth.Server.Tests.Authorization;

/// <summary>
/// SetRepositoryPolicy's lock-out check (a policy that would stop its caller from setting another needs
/// <c>--force</c>) and DescribeRepositories' resources (each named repository; <c>repository/*</c> for the listing),
/// through the real aws CLI.
/// </summary>
public sealed class RepositoryAccessTests(MultiRegistryFixture fixture) : IClassFixture<MultiRegistryFixture>
{
    private const string Account = MultiRegistryFixture.Default;
    private const string LockOut = "(InvalidParameterException) when calling the SetRepositoryPolicy operation: Invalid parameter at 'PolicyText' failed to satisfy constraint: 'The repository policy would prevent you from setting another policy in the future; use force to set it anyway'";
    private readonly IamCli _aws = new(fixture.Server);

    // GetRepositoryPolicy and SetRepositoryPolicy answer ECR's normalized text of the pull-only policy both tests set.
    private const string PullOnlyAnswered =
        "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"pull\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : \"*\",\n    \"Action\" : \"ecr:BatchGetImage\"\n  } ]\n}";

    [Fact]
    public async Task APolicyThatWouldLockTheCallerOutIsRefusedUnlessForced()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "lockout/app");
        const string DenySet = """{"Version":"2012-10-17","Statement":[{"Sid":"frozen","Effect":"Deny","Principal":"*","Action":"ecr:SetRepositoryPolicy"}]}""";
        const string Harmless = """{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}""";

        var refused = await _aws.FailAsync("ecr", "set-repository-policy", "--repository-name", "lockout/app", "--policy-text", DenySet);
        var nothingStored = await _aws.FailAsync("ecr", "get-repository-policy", "--repository-name", "lockout/app");
        await _aws.RunAsync("ecr", "set-repository-policy", "--repository-name", "lockout/app", "--policy-text", DenySet, "--force");
        var lockedOut = await _aws.FailAsync("ecr", "set-repository-policy", "--repository-name", "lockout/app", "--policy-text", Harmless, "--force");
        await _aws.RunAsync("ecr", "delete-repository-policy", "--repository-name", "lockout/app");
        var afterDelete = await _aws.RunAsync("ecr", "set-repository-policy", "--repository-name", "lockout/app", "--policy-text", Harmless);

        Assert.Contains(LockOut, refused, StringComparison.Ordinal);
        Assert.Contains("(RepositoryPolicyNotFoundException)", nothingStored, StringComparison.Ordinal);
        Assert.Contains(
            $"User: arn:aws:iam::{Account}:root is not authorized to perform: ecr:SetRepositoryPolicy on resource: arn:aws:ecr:us-east-1:{Account}:repository/lockout/app with an explicit deny in a resource-based policy",
            lockedOut, StringComparison.Ordinal);
        Assert.Equal(PullOnlyAnswered, afterDelete.GetProperty("policyText").GetString());
    }

    [Fact]
    public async Task AnotherAccountMayNotDropItsOwnAccessWithoutForce()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "delegated/app");
        var delegated = $$"""{"Version":"2012-10-17","Statement":[{"Sid":"admin","Effect":"Allow","Principal":{"AWS":"{{MultiRegistryFixture.Second}}"},"Action":["ecr:SetRepositoryPolicy","ecr:GetRepositoryPolicy"]}]}""";
        const string PullOnly = """{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}""";
        await _aws.RunAsync("ecr", "set-repository-policy", "--repository-name", "delegated/app", "--policy-text", delegated);
        string[] set = ["ecr", "set-repository-policy", "--registry-id", Account, "--repository-name", "delegated/app", "--policy-text"];

        var kept = await fixture.AwsAsync(MultiRegistryFixture.Second, "us-east-1", [.. set, delegated.Replace("\"admin\"", "\"admin2\"", StringComparison.Ordinal)]);
        var dropped = await fixture.AwsAsync(MultiRegistryFixture.Second, "us-east-1", [.. set, PullOnly]);
        var forced = await fixture.AwsAsync(MultiRegistryFixture.Second, "us-east-1", [.. set, PullOnly, "--force"]);
        var after = await _aws.RunAsync("ecr", "get-repository-policy", "--repository-name", "delegated/app");

        Assert.True(kept.ExitCode == 0, kept.StandardError);
        Assert.Contains(LockOut, dropped.StandardError, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.StandardError);
        Assert.Equal(PullOnlyAnswered, after.GetProperty("policyText").GetString());
    }

    [Fact]
    public async Task DescribeRepositoriesChecksEachNamedRepositoryAndTheListingAsAWhole()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "describe/visible");
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "describe/hidden");
        var user = await _aws.CreateUserWithKeyAsync("describer");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "describer", "--policy-name", "one", "--policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:DescribeRepositories","Resource":"arn:aws:ecr:us-east-1:{{Account}}:repository/describe/visible"}]}""");

        var named = await _aws.RunAsAsync(user, "ecr", "describe-repositories", "--repository-names", "describe/visible");
        var withHidden = await _aws.FailAsAsync(user, "ecr", "describe-repositories", "--repository-names", "describe/visible", "describe/hidden");
        var listing = await _aws.FailAsAsync(user, "ecr", "describe-repositories");

        Assert.Equal("describe/visible", named.GetProperty("repositories")[0].GetProperty("repositoryName").GetString());
        Assert.Contains(
            $"User: arn:aws:iam::{Account}:user/describer is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:us-east-1:{Account}:repository/describe/hidden because no identity-based policy allows the ecr:DescribeRepositories action",
            withHidden, StringComparison.Ordinal);
        Assert.Contains(
            $"User: arn:aws:iam::{Account}:user/describer is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:us-east-1:{Account}:repository/* because no identity-based policy allows the ecr:DescribeRepositories action",
            listing, StringComparison.Ordinal);
    }
}
