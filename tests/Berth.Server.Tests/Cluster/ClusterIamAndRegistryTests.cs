using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// Two nodes sharing PostgreSQL: IAM users, keys and quotas made on one node hold on the other, and a registry is
/// (account, region) on every node.
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class ClusterIamAndRegistryTests(PostgresCluster cluster) : IAsyncLifetime
{
    private SharedStorage _storage = null!;
    private BerthTestServer _nodeA = null!;
    private BerthTestServer _nodeB = null!;

    public async Task InitializeAsync()
    {
        _storage = await SharedStorage.CreateAsync(cluster);
        _nodeA = await BerthTestServer.StartEcrAsync(_storage.Settings());
        _nodeB = await BerthTestServer.StartEcrAsync(_storage.Settings(new Dictionary<string, string?>
        {
            ["Berth:RootAccessKeyId"] = _nodeA.AccessKeyId,
            ["Berth:RootSecretAccessKey"] = _nodeA.SecretAccessKey,
        }));
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        _storage.Dispose();
    }

    [SkippableFact]
    public async Task AUserAndKeyMadeOnOneNodeAuthenticateOnTheOtherAndItsQuotaAndStatusHoldThere()
    {
        ClientTools.SkipUnlessAvailable("aws");

        var awsA = new IamCli(_nodeA);
        var awsB = new IamCli(_nodeB);
        var key = await awsA.CreateUserWithKeyAsync("ci");

        var identity = await awsB.RunAsAsync(key, "sts", "get-caller-identity");
        Assert.Equal("arn:aws:iam::000000000000:user/ci", identity.GetProperty("Arn").GetString());
        await awsB.RunAsync("iam", "create-access-key", "--user-name", "CI");
        Assert.Contains("(LimitExceeded) when calling the CreateAccessKey operation: Cannot exceed quota for AccessKeysPerUser: 2",
            await awsA.FailAsync("iam", "create-access-key", "--user-name", "ci"), StringComparison.Ordinal);
        Assert.Contains("(DeleteConflict)", await awsB.FailAsync("iam", "delete-user", "--user-name", "ci"), StringComparison.Ordinal);

        await awsB.RunAsync("iam", "update-access-key", "--user-name", "ci", "--access-key-id", key.AccessKeyId, "--status", "Inactive");
        Assert.Contains("(InvalidClientTokenId)", await awsA.FailAsAsync(key, "sts", "get-caller-identity"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ARepositoryOfOneRegionIsSeenInThatRegionOnEveryNodeAndNowhereElse()
    {
        ClientTools.SkipUnlessAvailable("aws");

        var awsA = new AwsCli(_nodeA);
        var awsB = new AwsCli(_nodeB);
        await awsA.RunAsync("ecr", "create-repository", "--repository-name", "regional/app", "--region", "eu-west-1");

        var seen = await awsB.RunAsync("ecr", "describe-repositories", "--repository-names", "regional/app", "--region", "eu-west-1");
        Assert.Equal("arn:aws:ecr:eu-west-1:000000000000:repository/regional/app",
            seen.GetProperty("repositories")[0].GetProperty("repositoryArn").GetString());
        Assert.Contains("RepositoryNotFoundException",
            await awsB.FailAsync("ecr", "describe-repositories", "--repository-names", "regional/app", "--region", "us-east-1"), StringComparison.Ordinal);

        await awsB.RunAsync("ecr", "create-repository", "--repository-name", "regional/app", "--region", "us-east-1", "--image-tag-mutability", "IMMUTABLE");
        var east = await awsA.RunAsync("ecr", "describe-repositories", "--repository-names", "regional/app", "--region", "us-east-1");
        var west = await awsA.RunAsync("ecr", "describe-repositories", "--repository-names", "regional/app", "--region", "eu-west-1");
        Assert.Equal("IMMUTABLE", east.GetProperty("repositories")[0].GetProperty("imageTagMutability").GetString());
        Assert.Equal("MUTABLE", west.GetProperty("repositories")[0].GetProperty("imageTagMutability").GetString());
    }
}
