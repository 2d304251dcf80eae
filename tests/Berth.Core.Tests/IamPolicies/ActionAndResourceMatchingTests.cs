using Berth.Core.IamPolicies;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>
/// Action, NotAction, Resource and NotResource matching, wildcards and policy variables in resources
/// ("IAM JSON policy elements: Resource" and "IAM policy elements: Variables and tags" in the IAM User Guide).
/// Each row is one identity statement of user ci (id AIDAEXAMPLEUSERID, account 111122223333).
/// </summary>
public sealed class ActionAndResourceMatchingTests
{
    [Theory]
    [InlineData("\"Action\":\"ecr:PutImage\",\"Resource\":\"*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ECR:putimage\",\"Resource\":\"*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:Put*\",\"Resource\":\"*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*Layer*\",\"Resource\":\"*\"", "ecr:InitiateLayerUpload", true)]
    [InlineData("\"Action\":\"ecr:PutImag?\",\"Resource\":\"*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:Put?\",\"Resource\":\"*\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"*\",\"Resource\":\"*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr-public:*\",\"Resource\":\"*\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"s3:*\",\"Resource\":\"*\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":[\"s3:*\",\"ecr:Batch*\"],\"Resource\":\"*\"", "ecr:BatchGetImage", true)]
    [InlineData("\"Action\":\"ecr:NoSuchAction\",\"Resource\":\"*\"", "ecr:PutImage", false)]
    [InlineData("\"NotAction\":\"ecr:DeleteRepository\",\"Resource\":\"*\"", "ecr:PutImage", true)]
    [InlineData("\"NotAction\":\"ecr:DeleteRepository\",\"Resource\":\"*\"", "ecr:DeleteRepository", false)]
    [InlineData("\"NotAction\":[\"ecr:Delete*\",\"iam:*\"],\"Resource\":\"*\"", "ecr:DeleteRepositoryPolicy", false)]
    [InlineData("\"NotAction\":\"iam:*\",\"Resource\":\"*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/app\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/App\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/other\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:*:111122223333:repository/*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:*:*:*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-?:111122223333:repository/ap?\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:eu-*:111122223333:repository/*\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:*:444455556666:repository/*\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:s3:::app\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"NotResource\":\"arn:aws:ecr:us-east-1:111122223333:repository/secret-*\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"NotResource\":\"arn:aws:ecr:us-east-1:111122223333:repository/a*\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/app\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/project}\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/missing}\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/missing, 'app'}\"", "ecr:PutImage", true)]
    [InlineData("\"Action\":\"ecr:*\",\"NotResource\":\"arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/missing}\"", "ecr:PutImage", false)]
    [InlineData("\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/a${*}\"", "ecr:PutImage", false)]
    public void StatementAppliesToActionAndResource(string elements, string action, bool allowed)
    {
        var policy = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Allow",""" + elements + "}}");
        var result = Evaluation.Evaluate(Evaluation.User, action, Evaluation.Repository, [policy], context: "aws:PrincipalTag/project=app");
        Assert.Equal(allowed, result.IsAllowed);
    }

    [Fact]
    public void UsernameVariableScopesEachUserToTheirOwnRepositories()
    {
        // IAM User Guide, "IAM policy elements: Variables and tags": a resource per user through ${aws:username}.
        var policy = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr:*:111122223333:repository/home/${aws:username}/*"}}""");
        var alice = RequestPrincipal.User(Evaluation.Account, "alice", "AIDAALICE");
        Assert.True(Evaluation.Evaluate(alice, "ecr:PutImage", "arn:aws:ecr:us-east-1:111122223333:repository/home/alice/app", [policy]).IsAllowed);
        Assert.False(Evaluation.Evaluate(alice, "ecr:PutImage", "arn:aws:ecr:us-east-1:111122223333:repository/home/bob/app", [policy]).IsAllowed);
        Assert.False(Evaluation.Evaluate(alice, "ecr:PutImage", "arn:aws:ecr:us-east-1:111122223333:repository/home/alice", [policy]).IsAllowed);
    }

    [Fact]
    public void AnUnresolvedVariableGrantsNothingToARoleSession()
    {
        // An assumed role has no aws:username, so a statement built on it never applies.
        var policy = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr:*:111122223333:repository/${aws:username}*"}}""");
        var session = RequestPrincipal.AssumedRole(Evaluation.Account, "deployer", "s1", "AROADEPLOYER");
        Assert.False(Evaluation.Evaluate(session, "ecr:PutImage", Evaluation.Repository, [policy]).IsAllowed);
    }

    [Fact]
    public void RegistryWideCallsNeedResourceStar()
    {
        // GetAuthorizationToken has no resource-level permissions: its resource is "*", which only "*" matches.
        var scoped = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr:*:111122223333:repository/*"}}""");
        var result = Evaluation.Evaluate(Evaluation.User, "ecr:GetAuthorizationToken", "*", [scoped]);
        Assert.False(result.IsAllowed);
        Assert.Equal("User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action", result.Message);
    }

    [Fact]
    public void PathologicalWildcardsMatchInLinearishTime()
    {
        var stars = string.Concat(Enumerable.Repeat("*a", 200));
        var policy = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr:*:*:repository/""" + stars + "b\"}}");
        var resource = "arn:aws:ecr:us-east-1:111122223333:repository/" + new string('a', 5000);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            Assert.False(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", resource, [policy]).IsAllowed);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"matching took {clock.Elapsed}");
    }
}
