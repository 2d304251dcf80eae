using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>
/// Access keys through the real aws CLI: a user's key authenticates as the user (STS and ECR), and deactivating or
/// deleting it stops it, and the registry tokens it minted, on the very next request.
/// </summary>
public sealed class AccessKeyTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new IamCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AUsersKeyIsTheUserAndStopsAtOnceWhenDeactivated()
    {
        var key = await _aws.CreateUserWithKeyAsync("ci");
        var userId = (await _aws.RunAsync("iam", "get-user", "--user-name", "ci")).GetProperty("User").GetProperty("UserId").GetString();

        var identity = await _aws.RunAsAsync(key, "sts", "get-caller-identity");
        Assert.Equal("arn:aws:iam::000000000000:user/ci", identity.GetProperty("Arn").GetString());
        Assert.Equal("000000000000", identity.GetProperty("Account").GetString());
        Assert.Equal(userId, identity.GetProperty("UserId").GetString());
        Assert.Matches("^AKIA[A-Z2-7]{16}$", key.AccessKeyId);
        Assert.Equal(40, key.SecretAccessKey.Length);

        await _aws.RunAsync("iam", "update-access-key", "--user-name", "ci", "--access-key-id", key.AccessKeyId, "--status", "Inactive");
        var sts = await _aws.FailAsAsync(key, "sts", "get-caller-identity");
        var ecr = await _aws.FailAsAsync(key, "ecr", "describe-repositories");
        Assert.Contains("An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.", sts, StringComparison.Ordinal);
        Assert.Contains("(UnrecognizedClientException) when calling the DescribeRepositories operation: The security token included in the request is invalid.", ecr, StringComparison.Ordinal);

        await _aws.RunAsync("iam", "update-access-key", "--user-name", "ci", "--access-key-id", key.AccessKeyId, "--status", "Active");
        await _aws.RunAsAsync(key, "sts", "get-caller-identity");

        await _aws.RunAsync("iam", "delete-access-key", "--user-name", "ci", "--access-key-id", key.AccessKeyId);
        Assert.Contains("(InvalidClientTokenId)", await _aws.FailAsAsync(key, "sts", "get-caller-identity"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAccessKeysShowsNoSecretsAndAUserHasAtMostTwo()
    {
        var first = await _aws.CreateUserWithKeyAsync("dev");
        await _aws.RunAsync("iam", "create-access-key", "--user-name", "dev");

        var third = await _aws.FailAsync("iam", "create-access-key", "--user-name", "dev");
        var listed = await _aws.RunAsync("iam", "list-access-keys", "--user-name", "dev");
        var missing = await _aws.FailAsync("iam", "update-access-key", "--user-name", "dev", "--access-key-id", "AKIAAAAAAAAAAAAAAAAA", "--status", "Inactive");

        Assert.Contains("(LimitExceeded) when calling the CreateAccessKey operation: Cannot exceed quota for AccessKeysPerUser: 2", third, StringComparison.Ordinal);
        var keys = listed.GetProperty("AccessKeyMetadata").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        Assert.Contains(keys, k => k.GetProperty("AccessKeyId").GetString() == first.AccessKeyId && k.GetProperty("Status").GetString() == "Active");
        Assert.All(keys, k => Assert.False(k.TryGetProperty("SecretAccessKey", out _)));
        Assert.All(keys, k => Assert.Equal("dev", k.GetProperty("UserName").GetString()));
        Assert.Contains("(NoSuchEntity) when calling the UpdateAccessKey operation: The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARegistryTokenStopsWorkingWhenItsKeyIsDeactivatedOrItsUserDeleted()
    {
        var key = await _aws.CreateUserWithKeyAsync("puller");

        // A registry password needs ecr:GetAuthorizationToken.
        await _aws.RunAsync("iam", "attach-user-policy", "--user-name", "puller", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");
        var login = await new AwsCli(_server).RunRawAsync(["ecr", "get-login-password"], key.Environment);
        Assert.Equal(0, login.ExitCode);
        using var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + login.StandardOutput.Trim())));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v2/", UriKind.Relative))).StatusCode);
        await _aws.RunAsync("iam", "update-access-key", "--user-name", "puller", "--access-key-id", key.AccessKeyId, "--status", "Inactive");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/v2/", UriKind.Relative))).StatusCode);
        await _aws.RunAsync("iam", "update-access-key", "--user-name", "puller", "--access-key-id", key.AccessKeyId, "--status", "Active");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v2/", UriKind.Relative))).StatusCode);

        await _aws.RunAsync("iam", "delete-access-key", "--user-name", "puller", "--access-key-id", key.AccessKeyId);
        await _aws.RunAsync("iam", "detach-user-policy", "--user-name", "puller", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");
        await _aws.RunAsync("iam", "delete-user", "--user-name", "puller");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/v2/", UriKind.Relative))).StatusCode);
    }
}
