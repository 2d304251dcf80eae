using System.Text.Json;
using Berth.Server.Tests.Authorization;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>
/// <c>aws iam simulate-principal-policy</c> and <c>simulate-custom-policy</c> against Berth: the seed's push policy
/// allows on the named repository and nowhere else, as the live authorizer decides for the same user; a Deny in a
/// repository policy wins and is reported as the resource policy; paging; and the calls are IAM-authorized.
/// </summary>
public sealed class PolicySimulationTests : IAsyncLifetime
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
    public async Task TheSeedPolicyAllowsPushOnTheNamedRepositoryOnlyAsTheLiveAuthorizerDoes()
    {
        var named = await CreateRepositoryAsync("named");
        var other = await CreateRepositoryAsync("other");
        var key = await _aws.CreateUserWithKeyAsync("pusher");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "pusher", "--policy-name", "push-one", "--policy-document", SeedPolicies.PushToOneRepository(named.Arn));

        var simulated = await _aws.RunAsync("iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/pusher",
            "--action-names", "ecr:InitiateLayerUpload", "ecr:PutImage", "--resource-arns", named.Arn, other.Arn);

        var results = simulated.GetProperty("EvaluationResults").EnumerateArray().ToList();
        Assert.Equal(
            [("ecr:InitiateLayerUpload", named.Arn, "allowed"), ("ecr:InitiateLayerUpload", other.Arn, "implicitDeny"), ("ecr:PutImage", named.Arn, "allowed"), ("ecr:PutImage", other.Arn, "implicitDeny")],
            results.Select(r => (r.GetProperty("EvalActionName").GetString(), r.GetProperty("EvalResourceName").GetString(), r.GetProperty("EvalDecision").GetString())));
        var matched = Assert.Single(results[0].GetProperty("MatchedStatements").EnumerateArray());
        Assert.Equal("push-one", matched.GetProperty("SourcePolicyId").GetString());
        Assert.Equal("user", matched.GetProperty("SourcePolicyType").GetString());
        Assert.Equal((4, 9), Position(matched.GetProperty("StartPosition")));
        Assert.Equal((14, 9), Position(matched.GetProperty("EndPosition")));
        Assert.Empty(results[1].GetProperty("MatchedStatements").EnumerateArray());
        Assert.Equal("allowed", Assert.Single(results[0].GetProperty("ResourceSpecificResults").EnumerateArray()).GetProperty("EvalResourceDecision").GetString());

        // The live authorizer, asked the same questions with the user's own key.
        await _aws.RunAsAsync(key, "ecr", "initiate-layer-upload", "--repository-name", named.Name);
        var denied = await _aws.FailAsAsync(key, "ecr", "initiate-layer-upload", "--repository-name", other.Name);
        Assert.Contains("(AccessDeniedException)", denied, StringComparison.Ordinal);
        Assert.Contains("because no identity-based policy allows the ecr:InitiateLayerUpload action", denied, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADenyInARepositoryPolicyWinsOverTheIdentityAllow()
    {
        var repository = await CreateRepositoryAsync("frozen");
        await _aws.CreateUserWithKeyAsync("pusher");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "pusher", "--policy-name", "push-all", "--policy-document", SeedPolicies.PushToAllRepositories);
        const string deny = """{"Version":"2012-10-17","Statement":[{"Sid":"Frozen","Effect":"Deny","Principal":"*","Action":"ecr:PutImage"}]}""";

        var simulated = await _aws.RunAsync("iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/pusher",
            "--action-names", "ecr:PutImage", "ecr:UploadLayerPart", "--resource-arns", repository.Arn, "--resource-policy", deny);

        var results = simulated.GetProperty("EvaluationResults").EnumerateArray().ToList();
        Assert.Equal(["explicitDeny", "allowed"], results.Select(r => r.GetProperty("EvalDecision").GetString()));
        var matched = Assert.Single(results[0].GetProperty("MatchedStatements").EnumerateArray());
        Assert.Equal(("ResourcePolicy", "resource"), (matched.GetProperty("SourcePolicyId").GetString(), matched.GetProperty("SourcePolicyType").GetString()));
        Assert.Equal((1, 38), Position(matched.GetProperty("StartPosition")));
        Assert.Equal("push-all", Assert.Single(results[1].GetProperty("MatchedStatements").EnumerateArray()).GetProperty("SourcePolicyId").GetString());
    }

    [Fact]
    public async Task ACustomPolicyIsSimulatedWithContextKeysAndPagedWithMaxItemsAndMarker()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}""";
        var actions = new[] { "ecr:BatchGetImage", "ecr:PutImage", "ecr:DescribeRepositories" };

        var first = await _aws.RunAsync(["iam", "simulate-custom-policy", "--policy-input-list", policy, "--action-names", .. actions,
            "--context-entries", "ContextKeyName=aws:SecureTransport,ContextKeyValues=true,ContextKeyType=boolean", "--max-items", "2"]);
        var rest = await _aws.RunAsync(["iam", "simulate-custom-policy", "--policy-input-list", policy, "--action-names", .. actions,
            "--context-entries", "ContextKeyName=aws:SecureTransport,ContextKeyValues=true,ContextKeyType=boolean", "--starting-token", first.GetProperty("NextToken").GetString()!]);
        var missing = await _aws.RunAsync("iam", "simulate-custom-policy", "--policy-input-list", policy, "--action-names", "ecr:PutImage");

        Assert.Equal(["ecr:BatchGetImage", "ecr:PutImage"], first.GetProperty("EvaluationResults").EnumerateArray().Select(r => r.GetProperty("EvalActionName").GetString()));
        Assert.Equal(["ecr:DescribeRepositories"], rest.GetProperty("EvaluationResults").EnumerateArray().Select(r => r.GetProperty("EvalActionName").GetString()));
        Assert.All(first.GetProperty("EvaluationResults").EnumerateArray(), r => Assert.Equal("allowed", r.GetProperty("EvalDecision").GetString()));
        var result = Assert.Single(missing.GetProperty("EvaluationResults").EnumerateArray());
        Assert.Equal(("implicitDeny", "*"), (result.GetProperty("EvalDecision").GetString(), result.GetProperty("EvalResourceName").GetString()));
        Assert.Equal(["aws:SecureTransport"], result.GetProperty("MissingContextValues").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("PolicyInputList.1", Assert.Single(first.GetProperty("EvaluationResults")[0].GetProperty("MatchedStatements").EnumerateArray()).GetProperty("SourcePolicyId").GetString());
    }

    [Fact]
    public async Task SimulatingNeedsTheIamPermissionAndAKnownEntity()
    {
        var key = await _aws.CreateUserWithKeyAsync("curious");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "curious", "--policy-name", "own", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:SimulatePrincipalPolicy","Resource":"arn:aws:iam::000000000000:user/curious"}]}""");

        var own = await _aws.RunAsAsync(key, "iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/curious", "--action-names", "iam:SimulatePrincipalPolicy",
            "--resource-arns", "arn:aws:iam::000000000000:user/curious");
        var others = await _aws.FailAsAsync(key, "iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/someone", "--action-names", "ecr:PutImage");
        var custom = await _aws.FailAsAsync(key, "iam", "simulate-custom-policy", "--policy-input-list", SeedPolicies.PushToAllRepositories, "--action-names", "ecr:PutImage");
        var unknown = await _aws.FailAsync("iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/nobody", "--action-names", "ecr:PutImage");

        Assert.Equal("allowed", own.GetProperty("EvaluationResults")[0].GetProperty("EvalDecision").GetString());
        Assert.Contains("(AccessDenied) when calling the SimulatePrincipalPolicy operation: User: arn:aws:iam::000000000000:user/curious is not authorized to perform: iam:SimulatePrincipalPolicy on resource: arn:aws:iam::000000000000:user/someone", others, StringComparison.Ordinal);
        Assert.Contains("(AccessDenied) when calling the SimulateCustomPolicy operation", custom, StringComparison.Ordinal);
        Assert.Contains("(NoSuchEntity) when calling the SimulatePrincipalPolicy operation: The user with name nobody cannot be found.", unknown, StringComparison.Ordinal);
    }

    private async Task<(string Name, string Arn)> CreateRepositoryAsync(string name)
    {
        var created = await _aws.RunAsync("ecr", "create-repository", "--repository-name", name);
        return (name, created.GetProperty("repository").GetProperty("repositoryArn").GetString()!);
    }

    private static (int, int) Position(JsonElement position) => (position.GetProperty("Line").GetInt32(), position.GetProperty("Column").GetInt32());
}
