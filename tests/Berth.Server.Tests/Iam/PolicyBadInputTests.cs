using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>
/// Bad policy input through the real aws CLI: documents over AWS's size quotas (IAM inline 2,048 / 5,120 / 10,240
/// characters per user / group / role, managed 6,144; ECR repository and registry policies 10,240), documents that are
/// not JSON or have wrong types, and policy variables that do not resolve. Each gets AWS's error or grants nothing, and
/// nothing is half-stored.
/// </summary>
public sealed class PolicyBadInputTests : IAsyncLifetime
{
    private const string Account = "000000000000";
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new IamCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task InlinePoliciesOverTheirEntitysQuotaAreLimitExceeded()
    {
        await _aws.RunAsync("iam", "create-user", "--user-name", "big");
        await _aws.RunAsync("iam", "create-group", "--group-name", "big");
        await _aws.RunAsync("iam", "create-role", "--role-name", "big", "--assume-role-policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{Account}}"},"Action":"sts:AssumeRole"}]}""");

        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "big", "--policy-name", "fits", "--policy-document", IdentityPolicyOfSize(2048));
        var user = await _aws.FailAsync("iam", "put-user-policy", "--user-name", "big", "--policy-name", "more", "--policy-document", IdentityPolicyOfSize(200));
        var group = await _aws.FailAsync("iam", "put-group-policy", "--group-name", "big", "--policy-name", "p", "--policy-document", IdentityPolicyOfSize(5121));
        await _aws.RunAsync("iam", "put-group-policy", "--group-name", "big", "--policy-name", "p", "--policy-document", IdentityPolicyOfSize(5120));
        var role = await _aws.FailAsync("iam", "put-role-policy", "--role-name", "big", "--policy-name", "p", "--policy-document", IdentityPolicyOfSize(10241));
        var managed = await _aws.FailAsync("iam", "create-policy", "--policy-name", "big", "--policy-document", IdentityPolicyOfSize(6145));

        Assert.Contains("(LimitExceeded) when calling the PutUserPolicy operation: Maximum policy size of 2048 bytes exceeded for user big", user, StringComparison.Ordinal);
        Assert.Contains("(LimitExceeded) when calling the PutGroupPolicy operation: Maximum policy size of 5120 bytes exceeded for group big", group, StringComparison.Ordinal);
        Assert.Contains("(LimitExceeded) when calling the PutRolePolicy operation: Maximum policy size of 10240 bytes exceeded for role big", role, StringComparison.Ordinal);
        Assert.Contains("(LimitExceeded) when calling the CreatePolicy operation: Cannot exceed quota for PolicySize: 6144", managed, StringComparison.Ordinal);
        Assert.Equal(["fits"], (await _aws.RunAsync("iam", "list-user-policies", "--user-name", "big")).GetProperty("PolicyNames").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(0, (await _aws.RunAsync("iam", "list-role-policies", "--role-name", "big")).GetProperty("PolicyNames").GetArrayLength());
        Assert.Equal(0, (await _aws.RunAsync("iam", "list-policies", "--scope", "Local")).GetProperty("Policies").GetArrayLength());
    }

    [Fact]
    public async Task AnIpAddressConditionWithAnInvalidCidrIsMalformedAndNothingIsStored()
    {
        await _aws.RunAsync("iam", "create-user", "--user-name", "cidr");
        const string Policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*",
             "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","999.1.1.1/99"]}}}]}
            """;

        var inline = await _aws.FailAsync("iam", "put-user-policy", "--user-name", "cidr", "--policy-name", "p", "--policy-document", Policy);
        var managed = await _aws.FailAsync("iam", "create-policy", "--policy-name", "cidr", "--policy-document", Policy.Replace("\"IpAddress\"", "\"NotIpAddress\"", StringComparison.Ordinal));

        Assert.Contains("(MalformedPolicyDocument) when calling the PutUserPolicy operation: Syntax errors in policy.", inline, StringComparison.Ordinal);
        Assert.Contains("(MalformedPolicyDocument) when calling the CreatePolicy operation: Syntax errors in policy.", managed, StringComparison.Ordinal);
        Assert.Equal(0, (await _aws.RunAsync("iam", "list-user-policies", "--user-name", "cidr")).GetProperty("PolicyNames").GetArrayLength());
        Assert.Equal(0, (await _aws.RunAsync("iam", "list-policies", "--scope", "Local")).GetProperty("Policies").GetArrayLength());
    }

    [Fact]
    public async Task EcrPoliciesOverTenThousandCharactersAreRefusedAndNothingIsStored()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "huge/app");

        var repository = await _aws.FailAsync("ecr", "set-repository-policy", "--repository-name", "huge/app", "--policy-text", RepositoryPolicyOfSize(10241), "--force");
        var registry = await _aws.FailAsync("ecr", "put-registry-policy", "--policy-text", ResourcePolicyOfSize(10241));
        await _aws.RunAsync("ecr", "set-repository-policy", "--repository-name", "huge/app", "--policy-text", RepositoryPolicyOfSize(10240));

        const string TooLong = "failed to satisfy constraint: 'Member must have length less than or equal to 10240'";
        Assert.Contains("(InvalidParameterException) when calling the SetRepositoryPolicy operation: Invalid parameter at 'policyText' " + TooLong, repository, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException) when calling the PutRegistryPolicy operation: Invalid parameter at 'policyText' " + TooLong, registry, StringComparison.Ordinal);
        Assert.Contains("(RegistryPolicyNotFoundException)", await _aws.FailAsync("ecr", "get-registry-policy"), StringComparison.Ordinal);
        var stored = (await _aws.RunAsync("ecr", "get-repository-policy", "--repository-name", "huge/app")).GetProperty("policyText").GetString()!;
        Assert.Contains("\"Sid\" : \"" + new string('a', 10240 - RepositoryPolicyOfSize(0).Length) + "\"", stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Version":"2012-10-17","Statement":"allow everything"}""")]
    [InlineData("""{"Version":2012,"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":true,"Principal":"*","Action":"ecr:*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["ecr:*",7]}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":"x"}}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Sid":"\ud800","Effect":"Allow","Principal":"*","Action":"ecr:*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*\udfff"}]}""")]
    public async Task DocumentsOfTheWrongShapeAreRefusedByIamAndEcr(string document)
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "shape/app");
        await _aws.RunAsync("iam", "create-user", "--user-name", "shape");
        var identity = document.Replace("\"Principal\":\"*\",", string.Empty, StringComparison.Ordinal);

        var iam = await _aws.FailAsync("iam", "put-user-policy", "--user-name", "shape", "--policy-name", "p", "--policy-document", identity);
        var ecr = await _aws.FailAsync("ecr", "set-repository-policy", "--repository-name", "shape/app", "--policy-text", document);
        var registry = await _aws.FailAsync("ecr", "put-registry-policy", "--policy-text", document);

        Assert.Contains("(MalformedPolicyDocument) when calling the PutUserPolicy operation", iam, StringComparison.Ordinal);
        Assert.Contains("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'", ecr, StringComparison.Ordinal);
        Assert.Contains("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'", registry, StringComparison.Ordinal);
        Assert.Equal(0, (await _aws.RunAsync("iam", "list-user-policies", "--user-name", "shape")).GetProperty("PolicyNames").GetArrayLength());
        Assert.Contains("(RepositoryPolicyNotFoundException)", await _aws.FailAsync("ecr", "get-repository-policy", "--repository-name", "shape/app"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APolicyVariableThatDoesNotResolveGrantsNothing()
    {
        const string PerUser = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:CreateRepository","Resource":"arn:aws:ecr:us-east-1:000000000000:repository/${aws:username}/*"}]}""";
        const string Unknown = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:CreateRepository","Resource":"arn:aws:ecr:us-east-1:000000000000:repository/${aws:NoSuchKey}*"}]}""";
        var alice = await _aws.CreateUserWithKeyAsync("alice");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "own", "--policy-document", PerUser);
        var carol = await _aws.CreateUserWithKeyAsync("carol");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "carol", "--policy-name", "unknown", "--policy-document", Unknown);
        await _aws.RunAsync("iam", "create-role", "--role-name", "builder", "--assume-role-policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:user/alice"},"Action":"sts:AssumeRole"}]}""");
        await _aws.RunAsync("iam", "put-role-policy", "--role-name", "builder", "--policy-name", "own", "--policy-document", PerUser);
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "assume", "--policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{{Account}}:role/builder"}]}""");
        var assumed = (await _aws.RunAsAsync(alice, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/builder", "--role-session-name", "alice")).GetProperty("Credentials");
        var session = new AwsCredentials(assumed.GetProperty("AccessKeyId").GetString()!, assumed.GetProperty("SecretAccessKey").GetString()!, assumed.GetProperty("SessionToken").GetString()!);

        await _aws.RunAsAsync(alice, "ecr", "create-repository", "--repository-name", "alice/app");
        var others = await _aws.FailAsAsync(alice, "ecr", "create-repository", "--repository-name", "bob/app");
        var literal = await _aws.FailAsAsync(alice, "ecr", "create-repository", "--repository-name", "${aws:username}/app");
        var unknown = await _aws.FailAsAsync(carol, "ecr", "create-repository", "--repository-name", "carol");
        var noUserName = await _aws.FailAsAsync(session, "ecr", "create-repository", "--repository-name", "alice/from-role");

        Assert.Contains("because no identity-based policy allows the ecr:CreateRepository action", others, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", literal, StringComparison.Ordinal);
        Assert.Contains($"User: arn:aws:iam::{Account}:user/carol is not authorized to perform: ecr:CreateRepository", unknown, StringComparison.Ordinal);
        Assert.Contains($"User: arn:aws:sts::{Account}:assumed-role/builder/alice is not authorized to perform: ecr:CreateRepository", noUserName, StringComparison.Ordinal);
    }

    /// <summary>A valid identity policy of exactly <paramref name="size"/> non-white-space characters (the Sid pads it).</summary>
    private static string IdentityPolicyOfSize(int size) =>
        Padded("""{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}""", size);

    /// <summary>A valid repository policy of exactly <paramref name="size"/> characters (no Resource element: ECR refuses one); 0 gives the unpadded template.</summary>
    private static string RepositoryPolicyOfSize(int size) =>
        size == 0
            ? """{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"""
            : Padded(RepositoryPolicyOfSize(0), size);

    /// <summary>A valid registry policy of exactly <paramref name="size"/> characters.</summary>
    private static string ResourcePolicyOfSize(int size) =>
        Padded("""{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Resource":"*"}]}""", size);

    private static string Padded(string template, int size) =>
        template.Replace("\"Sid\":\"\"", "\"Sid\":\"" + new string('a', size - template.Length) + "\"", StringComparison.Ordinal);
}
