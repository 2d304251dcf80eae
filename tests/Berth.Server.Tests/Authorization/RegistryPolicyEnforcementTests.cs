using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tests.Registries;

namespace Berth.Server.Tests.Authorization;

/// <summary>
/// IAM policies enforced on both faces, through the real aws CLI (ECR API, IAM) and skopeo (/v2/ with the registry
/// token of the user): the seed's push policies, no policy, ReadOnly, an explicit Deny over AdministratorAccess, and
/// another account (created by <c>berth account create</c>) allowed by a repository policy.
/// </summary>
public sealed class RegistryPolicyEnforcementTests(MultiRegistryFixture fixture) : IClassFixture<MultiRegistryFixture>, IDisposable
{
    private const string Account = MultiRegistryFixture.Default;
    private readonly string _work = Directory.CreateTempSubdirectory("berth-authz-").FullName;
    private readonly IamCli _aws = new(fixture.Server);

    private string Host => fixture.Server.BaseAddress.Authority;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [SkippableFact]
    public async Task TheSeedsUnscopedPushPolicyGetsATokenAndPushesToAnyRepository()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");

        await CreateRepositoriesAsync("seed1/a", "seed1/b");
        var pusher = await UserWithInlinePolicyAsync("seed1-pusher", SeedPolicies.PushToAllRepositories);

        var password = await PasswordAsync(pusher);
        var first = await PushAsync(password, "seed1/a");
        var second = await PushAsync(password, "seed1/b");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Single((await _aws.RunAsync("ecr", "describe-images", "--repository-name", "seed1/b")).GetProperty("imageDetails").EnumerateArray());
    }

    [SkippableFact]
    public async Task TheSeedsRepositoryScopedPolicyPushesToThatRepositoryAndIsRefusedOnAnother()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");

        await CreateRepositoriesAsync("seed2/mine", "seed2/other");
        var pusher = await UserWithInlinePolicyAsync("seed2-pusher", SeedPolicies.PushToOneRepository(RepositoryArn("seed2/mine")));

        var password = await PasswordAsync(pusher);
        var allowed = await PushAsync(password, "seed2/mine");
        var refused = await PushAsync(password, "seed2/other");
        var ecrRefused = await _aws.FailAsAsync(pusher, "ecr", "initiate-layer-upload", "--repository-name", "seed2/other");
        using var catalog = await fixture.GetAsync(Host, "/v2/_catalog", password);

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("403 (Forbidden)", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains(
            $"(AccessDeniedException) when calling the InitiateLayerUpload operation: User: arn:aws:iam::{Account}:user/seed2-pusher is not authorized to perform: ecr:InitiateLayerUpload on resource: {RepositoryArn("seed2/other")} because no identity-based policy allows the ecr:InitiateLayerUpload action",
            ecrRefused, StringComparison.Ordinal);
        Assert.Empty((await _aws.RunAsync("ecr", "describe-images", "--repository-name", "seed2/other")).GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(System.Net.HttpStatusCode.OK, catalog.StatusCode);
        Assert.Equal("{\"repositories\":[]}", await catalog.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AUserWithoutAnEcrPolicyCannotGetAToken()
    {
        var nobody = await _aws.CreateUserWithKeyAsync("no-ecr");

        var refused = await _aws.FailAsAsync(nobody, "ecr", "get-authorization-token");

        Assert.Contains(
            $"(AccessDeniedException) when calling the GetAuthorizationToken operation: User: arn:aws:iam::{Account}:user/no-ecr is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action",
            refused, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AReadOnlyUserPullsButCannotPush()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");

        await CreateRepositoriesAsync("readonly/app");
        var rootPush = await PushAsync(await fixture.PasswordAsync(Account, "us-east-1"), "readonly/app");
        Assert.True(rootPush.ExitCode == 0, rootPush.ToString());
        var reader = await _aws.CreateUserWithKeyAsync("reader");
        await _aws.RunAsync("iam", "attach-user-policy", "--user-name", "reader", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");

        var password = await PasswordAsync(reader);
        var pulled = await PullAsync(password, "readonly/app");
        var pushed = await PushAsync(password, "readonly/app", "v2");
        var described = await _aws.RunAsAsync(reader, "ecr", "describe-images", "--repository-name", "readonly/app");
        using var catalog = await fixture.GetAsync(Host, "/v2/_catalog?n=1000", password);

        Assert.True(pulled.ExitCode == 0, pulled.ToString());
        Assert.NotEqual(0, pushed.ExitCode);
        Assert.Contains("denied", pushed.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.Single(described.GetProperty("imageDetails").EnumerateArray());
        Assert.Contains("\"readonly/app\"", await catalog.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExplicitDenyBeatsAdministratorAccess()
    {
        var admin = await _aws.CreateUserWithKeyAsync("admin-denied");
        await _aws.RunAsync("iam", "attach-user-policy", "--user-name", "admin-denied", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "admin-denied", "--policy-name", "no-delete", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:DeleteRepository","Resource":"*"}]}""");

        await _aws.RunAsAsync(admin, "ecr", "create-repository", "--repository-name", "admin/app");
        await _aws.RunAsAsync(admin, "ecr", "get-authorization-token");
        var refused = await _aws.FailAsAsync(admin, "ecr", "delete-repository", "--repository-name", "admin/app");

        Assert.Contains(
            $"(AccessDeniedException) when calling the DeleteRepository operation: User: arn:aws:iam::{Account}:user/admin-denied is not authorized to perform: ecr:DeleteRepository on resource: {RepositoryArn("admin/app")} with an explicit deny in an identity-based policy",
            refused, StringComparison.Ordinal);
        Assert.Single((await _aws.RunAsync("ecr", "describe-repositories", "--repository-names", "admin/app")).GetProperty("repositories").EnumerateArray());
    }

    [Fact]
    public async Task ConditionsOnSourceIpAndSecureTransportApplyToEcrCalls()
    {
        var user = await UserWithInlinePolicyAsync("conditioned", """
            {"Version":"2012-10-17","Statement":[
             {"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:DescribeRepositories","ecr:CreateRepository"],"Resource":"*"},
             {"Effect":"Deny","Action":"ecr:DescribeRepositories","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}},
             {"Effect":"Deny","Action":"ecr:CreateRepository","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """);

        await _aws.RunAsAsync(user, "ecr", "get-authorization-token");
        var fromLoopback = await _aws.FailAsAsync(user, "ecr", "describe-repositories");
        var overHttp = await _aws.FailAsAsync(user, "ecr", "create-repository", "--repository-name", "conditioned/app");

        Assert.Contains("(AccessDeniedException) when calling the DescribeRepositories operation", fromLoopback, StringComparison.Ordinal);
        Assert.Contains("with an explicit deny in an identity-based policy", fromLoopback, StringComparison.Ordinal);
        Assert.Contains("(AccessDeniedException) when calling the CreateRepository operation", overHttp, StringComparison.Ordinal);
        Assert.Contains("with an explicit deny in an identity-based policy", overHttp, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AnotherAccountPullsWhenTheRepositoryPolicyNamesItAndIsRefusedOtherwise()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");

        await CreateRepositoriesAsync("shared/app");
        var rootPush = await PushAsync(await fixture.PasswordAsync(Account, "us-east-1"), "shared/app");
        Assert.True(rootPush.ExitCode == 0, rootPush.ToString());
        var otherPassword = await fixture.PasswordAsync(MultiRegistryFixture.Second, "us-east-1");
        var otherRoot = $"arn:aws:iam::{MultiRegistryFixture.Second}:root";

        var before = await PullAsync(otherPassword, "shared/app");
        var ecrBefore = await fixture.AwsAsync(MultiRegistryFixture.Second, "us-east-1", "ecr", "batch-get-image", "--registry-id", Account, "--repository-name", "shared/app", "--image-ids", "imageTag=v1");
        await _aws.RunAsync("ecr", "set-repository-policy", "--repository-name", "shared/app", "--policy-text", $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"{{MultiRegistryFixture.Second}}"},
             "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"]}]}
            """);
        var after = await PullAsync(otherPassword, "shared/app");
        var ecrAfter = await fixture.AwsAsync(MultiRegistryFixture.Second, "us-east-1", "ecr", "batch-get-image", "--registry-id", Account, "--repository-name", "shared/app", "--image-ids", "imageTag=v1");
        var push = await PushAsync(otherPassword, "shared/app", "v2");

        Assert.NotEqual(0, before.ExitCode);
        Assert.Contains("denied", before.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(
            $"(AccessDeniedException) when calling the BatchGetImage operation: User: {otherRoot} is not authorized to perform: ecr:BatchGetImage on resource: {RepositoryArn("shared/app")} because no resource-based policy allows the ecr:BatchGetImage action",
            ecrBefore.StandardError, StringComparison.Ordinal);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.True(ecrAfter.ExitCode == 0, ecrAfter.StandardError);
        Assert.Contains("\"imageTag\": \"v1\"", ecrAfter.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, push.ExitCode);
    }

    [Fact]
    public async Task RepositoryPoliciesRoundTripAndAMalformedOneIsRefusedWithNothingStored()
    {
        await CreateRepositoriesAsync("policy/app");
        const string Policy = """{"Version":"2012-10-17","Statement":[{"Sid":"all","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}""";

        var missingBefore = await _aws.FailAsync("ecr", "get-repository-policy", "--repository-name", "policy/app");
        var malformed = await _aws.FailAsync("ecr", "set-repository-policy", "--repository-name", "policy/app", "--policy-text", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*"}]}""");
        var stillMissing = await _aws.FailAsync("ecr", "get-repository-policy", "--repository-name", "policy/app");
        var set = await _aws.RunAsync("ecr", "set-repository-policy", "--repository-name", "policy/app", "--policy-text", Policy, "--force");
        var got = await _aws.RunAsync("ecr", "get-repository-policy", "--repository-name", "policy/app");
        var deleted = await _aws.RunAsync("ecr", "delete-repository-policy", "--repository-name", "policy/app");
        var missingAfter = await _aws.FailAsync("ecr", "delete-repository-policy", "--repository-name", "policy/app");
        var noRepository = await _aws.FailAsync("ecr", "set-repository-policy", "--repository-name", "policy/none", "--policy-text", Policy);

        var notFound = $"(RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'policy/app' in the registry with id '{Account}'";
        Assert.Contains(notFound, missingBefore, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException) when calling the SetRepositoryPolicy operation: Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'", malformed, StringComparison.Ordinal);
        Assert.Contains(notFound, stillMissing, StringComparison.Ordinal);
        foreach (var response in new[] { set, got, deleted })
        {
            Assert.Equal(Account, response.GetProperty("registryId").GetString());
            Assert.Equal("policy/app", response.GetProperty("repositoryName").GetString());
            Assert.Equal(Policy, response.GetProperty("policyText").GetString());
        }

        Assert.Contains("(RepositoryPolicyNotFoundException) when calling the DeleteRepositoryPolicy operation", missingAfter, StringComparison.Ordinal);
        Assert.Contains("(RepositoryNotFoundException) when calling the SetRepositoryPolicy operation", noRepository, StringComparison.Ordinal);
    }

    private static string RepositoryArn(string name) => $"arn:aws:ecr:us-east-1:{Account}:repository/{name}";

    private async Task CreateRepositoriesAsync(params string[] names)
    {
        foreach (var name in names)
        {
            await _aws.RunAsync("ecr", "create-repository", "--repository-name", name);
        }
    }

    private async Task<AwsCredentials> UserWithInlinePolicyAsync(string userName, string policy)
    {
        var key = await _aws.CreateUserWithKeyAsync(userName);
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", userName, "--policy-name", "ecr", "--policy-document", policy);
        return key;
    }

    private async Task<string> PasswordAsync(AwsCredentials credentials)
    {
        var result = await new AwsCli(fixture.Server).RunRawAsync(["ecr", "get-login-password"], credentials.Environment);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput.Trim();
    }

    private Task<ProcessResult> PushAsync(string password, string repository, string tag = "v1")
    {
        var layout = new OciLayoutWriter(Path.Combine(_work, "layout-" + Guid.NewGuid().ToString("N")));
        var image = TestImageFactory.WriteImage(layout);
        layout.Tag(image.Descriptor, tag);
        return ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, $"oci:{layout.Directory}:{tag}", $"docker://{Host}/{repository}:{tag}"],
            new ProcessRunOptions { AllowFailure = true });
    }

    private Task<ProcessResult> PullAsync(string password, string repository, string tag = "v1") =>
        ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--src-tls-verify=false", "--src-creds", "AWS:" + password, $"docker://{Host}/{repository}:{tag}", $"oci:{Path.Combine(_work, "pulled-" + Guid.NewGuid().ToString("N"))}:{tag}"],
            new ProcessRunOptions { AllowFailure = true });
}
