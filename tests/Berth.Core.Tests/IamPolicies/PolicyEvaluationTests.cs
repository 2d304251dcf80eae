using Berth.Core.IamPolicies;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>
/// AWS's evaluation logic ("Policy evaluation logic" and "Cross-account policy evaluation logic" in the IAM User
/// Guide) with the repository policies of the ECR User Guide ("Private repository policy examples").
/// </summary>
public sealed class PolicyEvaluationTests
{
    private static readonly RequestPrincipal Other = RequestPrincipal.User(Evaluation.OtherAccount, "puller", "AIDAPULLER");
    private static readonly RequestPrincipal Session = RequestPrincipal.AssumedRole(Evaluation.Account, "deployer", "build-17", "AROADEPLOYER");

    private static PolicyDocument AllowEcr => Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}}""");

    private static string Message(RequestPrincipal principal, string action, string reason) =>
        $"User: {principal.Arn} is not authorized to perform: {action} on resource: {Evaluation.Repository} {reason}";

    [Fact]
    public void NoPolicyMeansImplicitDeny()
    {
        var result = Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, []);
        Assert.Equal(AuthorizationDecision.ImplicitDeny, result.Decision);
        Assert.Equal("User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:111122223333:repository/app because no identity-based policy allows the ecr:PutImage action", result.Message);
    }

    [Fact]
    public void ExplicitDenyBeatsAdministratorAccess()
    {
        var deny = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"ecr:PutImage","Resource":"arn:aws:ecr:*:*:repository/app"}}""");
        var result = Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [ManagedPolicies.AdministratorAccess.Document, deny]);
        Assert.Equal(AuthorizationDecision.ExplicitDeny, result.Decision);
        Assert.Equal(PolicyType.IdentityBased, result.PolicyType);
        Assert.Equal(Message(Evaluation.User, "ecr:PutImage", "with an explicit deny in an identity-based policy"), result.Message);
        Assert.True(Evaluation.Evaluate(Evaluation.User, "ecr:BatchGetImage", Evaluation.Repository, [ManagedPolicies.AdministratorAccess.Document, deny]).IsAllowed);
    }

    [Fact]
    public void DenyOfAnUnknownActionDeniesNothingElse()
    {
        var deny = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"ecr:NotARealAction","Resource":"*"}}""");
        Assert.True(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [AllowEcr, deny]).IsAllowed);
    }

    [Fact]
    public void RepositoryPolicyDenyAllBeatsIdentityAllow()
    {
        // ECR User Guide, "Example: Deny all".
        var denyPull = Evaluation.Resource("""{"Version":"2012-10-17","Statement":[{"Sid":"DenyPull","Effect":"Deny","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}""");
        var result = Evaluation.Evaluate(Evaluation.User, "ecr:BatchGetImage", Evaluation.Repository, [AllowEcr], denyPull);
        Assert.Equal(AuthorizationDecision.ExplicitDeny, result.Decision);
        Assert.Equal(PolicyType.ResourceBased, result.PolicyType);
        Assert.Equal(Message(Evaluation.User, "ecr:BatchGetImage", "with an explicit deny in a resource-based policy"), result.Message);
        Assert.True(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [AllowEcr], denyPull).IsAllowed);
    }

    [Fact]
    public void RepositoryPolicyNamingTheUserAllowsWithoutAnIdentityPolicy()
    {
        // ECR User Guide, "Example: Allow one or more IAM users" (same account).
        var policy = Evaluation.Resource("""{"Version":"2012-10-17","Statement":[{"Sid":"AllowPushPull","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/ci","arn:aws:iam::111122223333:user/push-pull-user-2"]},"Action":["ecr:BatchGetImage","ecr:BatchCheckLayerAvailability","ecr:CompleteLayerUpload","ecr:GetDownloadUrlForLayer","ecr:InitiateLayerUpload","ecr:PutImage","ecr:UploadLayerPart"]}]}""");
        Assert.True(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [], policy).IsAllowed);
        Assert.False(Evaluation.Evaluate(Evaluation.User, "ecr:DeleteRepository", Evaluation.Repository, [], policy).IsAllowed);
        var stranger = RequestPrincipal.User(Evaluation.Account, "stranger", "AIDASTRANGER");
        Assert.False(Evaluation.Evaluate(stranger, "ecr:PutImage", Evaluation.Repository, [], policy).IsAllowed);
    }

    [Fact]
    public void RepositoryPolicyNamingOnlyTheAccountLeavesTheDecisionToIdentityPolicies()
    {
        var policy = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:*"}}""");
        var result = Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [], policy);
        Assert.Equal(Message(Evaluation.User, "ecr:PutImage", "because no identity-based policy allows the ecr:PutImage action"), result.Message);
        Assert.True(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [AllowEcr], policy).IsAllowed);
    }

    [Fact]
    public void AnotherAccountNeedsTheRepositoryPolicyAndItsOwnIdentityPolicy()
    {
        // ECR User Guide, "Example: Allow another account": the repository names the other account's root.
        var crossAccount = Evaluation.Resource("""{"Version":"2012-10-17","Statement":[{"Sid":"AllowCrossAccountPush","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchCheckLayerAvailability","ecr:CompleteLayerUpload","ecr:InitiateLayerUpload","ecr:PutImage","ecr:UploadLayerPart"]}]}""");
        Assert.True(Evaluation.Evaluate(Other, "ecr:PutImage", Evaluation.Repository, [AllowEcr], crossAccount).IsAllowed);

        var noIdentity = Evaluation.Evaluate(Other, "ecr:PutImage", Evaluation.Repository, [], crossAccount);
        Assert.Equal(Message(Other, "ecr:PutImage", "because no identity-based policy allows the ecr:PutImage action"), noIdentity.Message);

        var noRepositoryPolicy = Evaluation.Evaluate(Other, "ecr:PutImage", Evaluation.Repository, [AllowEcr]);
        Assert.Equal(AuthorizationDecision.ImplicitDeny, noRepositoryPolicy.Decision);
        Assert.Equal(PolicyType.ResourceBased, noRepositoryPolicy.PolicyType);
        Assert.Equal(Message(Other, "ecr:PutImage", "because no resource-based policy allows the ecr:PutImage action"), noRepositoryPolicy.Message);

        var notGranted = Evaluation.Evaluate(Other, "ecr:BatchGetImage", Evaluation.Repository, [AllowEcr], crossAccount);
        Assert.Equal(PolicyType.ResourceBased, notGranted.PolicyType);
    }

    [Fact]
    public void AnotherAccountsRootNeedsOnlyTheRepositoryPolicy()
    {
        var crossAccount = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage"}}""");
        var otherRoot = RequestPrincipal.Root(Evaluation.OtherAccount);
        Assert.True(Evaluation.Evaluate(otherRoot, "ecr:BatchGetImage", Evaluation.Repository, [], crossAccount).IsAllowed);
        Assert.False(Evaluation.Evaluate(otherRoot, "ecr:PutImage", Evaluation.Repository, [], crossAccount).IsAllowed);
        Assert.False(Evaluation.Evaluate(otherRoot, "ecr:BatchGetImage", Evaluation.Repository, []).IsAllowed);
    }

    [Fact]
    public void RootMayDoAnythingInItsAccountUnlessAResourcePolicyDenies()
    {
        var root = RequestPrincipal.Root(Evaluation.Account);
        var identityDeny = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}""");
        Assert.True(Evaluation.Evaluate(root, "ecr:DeleteRepository", Evaluation.Repository, []).IsAllowed);
        Assert.True(Evaluation.Evaluate(root, "ecr:DeleteRepository", Evaluation.Repository, [identityDeny]).IsAllowed);

        var resourceDeny = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository"}}""");
        var result = Evaluation.Evaluate(root, "ecr:DeleteRepository", Evaluation.Repository, [], resourceDeny);
        Assert.Equal("User: arn:aws:iam::111122223333:root is not authorized to perform: ecr:DeleteRepository on resource: arn:aws:ecr:us-east-1:111122223333:repository/app with an explicit deny in a resource-based policy", result.Message);
    }

    [Fact]
    public void AnonymousCallersAreAllowedOnlyByAPublicStatement()
    {
        var publicPull = Evaluation.Resource("""{"Version":"2008-10-17","Statement":{"Sid":"public pull","Effect":"Allow","Principal":{"AWS":"*"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}}""");
        var accountOnly = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:*"}}""");
        Assert.True(Evaluation.Evaluate(RequestPrincipal.Anonymous, "ecr:BatchGetImage", Evaluation.Repository, [], publicPull).IsAllowed);
        Assert.False(Evaluation.Evaluate(RequestPrincipal.Anonymous, "ecr:PutImage", Evaluation.Repository, [], publicPull).IsAllowed);
        var refused = Evaluation.Evaluate(RequestPrincipal.Anonymous, "ecr:BatchGetImage", Evaluation.Repository, [AllowEcr], accountOnly);
        Assert.Equal("User: anonymous is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111122223333:repository/app because no resource-based policy allows the ecr:BatchGetImage action", refused.Message);
    }

    [Fact]
    public void AnAssumedRoleActsWithItsRolesPoliciesAndIsNamedByRoleOrSession()
    {
        Assert.True(Evaluation.Evaluate(Session, "ecr:PutImage", Evaluation.Repository, [AllowEcr]).IsAllowed);
        var byRole = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/deployer"},"Action":"ecr:PutImage"}}""");
        var bySession = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/deployer/build-17"},"Action":"ecr:PutImage"}}""");
        var otherSession = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/deployer/build-18"},"Action":"ecr:PutImage"}}""");
        Assert.True(Evaluation.Evaluate(Session, "ecr:PutImage", Evaluation.Repository, [], byRole).IsAllowed);
        Assert.True(Evaluation.Evaluate(Session, "ecr:PutImage", Evaluation.Repository, [], bySession).IsAllowed);
        Assert.False(Evaluation.Evaluate(Session, "ecr:PutImage", Evaluation.Repository, [], otherSession).IsAllowed);
    }

    [Theory]
    // IAM User Guide, "NotPrincipal": with Deny, the excluded principal must be listed with its account (and its role for a session).
    [InlineData("""["arn:aws:iam::111122223333:user/ci","arn:aws:iam::111122223333:root"]""", "ci", false)]
    [InlineData("""["arn:aws:iam::111122223333:user/ci","arn:aws:iam::111122223333:root"]""", "other", true)]
    [InlineData("""["arn:aws:iam::111122223333:user/ci"]""", "ci", true)]
    [InlineData("""["arn:aws:iam::111122223333:root"]""", "ci", true)]
    [InlineData("""["arn:aws:sts::111122223333:assumed-role/deployer/build-17","arn:aws:iam::111122223333:role/deployer","111122223333"]""", "session", false)]
    [InlineData("""["arn:aws:sts::111122223333:assumed-role/deployer/build-17","111122223333"]""", "session", true)]
    public void NotPrincipalDenyAppliesToEveryoneNotFullyListed(string notPrincipal, string caller, bool denied)
    {
        var policy = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":""" + notPrincipal + """},"Action":"ecr:*"}}""");
        var principal = caller switch
        {
            "ci" => Evaluation.User,
            "session" => Session,
            _ => RequestPrincipal.User(Evaluation.Account, "other", "AIDAOTHER"),
        };
        var result = Evaluation.Evaluate(principal, "ecr:PutImage", Evaluation.Repository, [AllowEcr], policy);
        Assert.Equal(denied ? AuthorizationDecision.ExplicitDeny : AuthorizationDecision.Allow, result.Decision);
    }

    [Theory]
    // ECR User Guide, "Example: Restricting access to specific IP addresses".
    [InlineData("aws:SourceIp=54.240.143.7", true)]
    [InlineData("aws:SourceIp=198.51.100.7", false)]
    public void RepositoryPolicyRestrictsSourceAddresses(string context, bool allowed)
    {
        var policy = Evaluation.Resource("""{"Version":"2012-10-17","Id":"ECRPolicyId1","Statement":[{"Sid":"IPAllow","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"NotIpAddress":{"aws:SourceIp":"54.240.143.0/24"}}}]}""");
        var result = Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [AllowEcr], policy, context);
        Assert.Equal(allowed, result.IsAllowed);
    }

    [Theory]
    [InlineData("""{"StringEquals":{"aws:PrincipalType":"User","aws:userid":"AIDAEXAMPLEUSERID","aws:username":"ci","aws:PrincipalAccount":"111122223333"}}""", "ci", true)]
    [InlineData("""{"StringEquals":{"aws:PrincipalType":"AssumedRole","aws:userid":"AROADEPLOYER:build-17"}}""", "session", true)]
    [InlineData("""{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/deployer"}}""", "session", true)]
    [InlineData("""{"Null":{"aws:username":"true"}}""", "session", true)]
    [InlineData("""{"StringEquals":{"aws:PrincipalType":"User"}}""", "session", false)]
    public void EvaluatorFillsInThePrincipalsKeys(string condition, string caller, bool allowed)
    {
        var principal = caller == "ci" ? Evaluation.User : Session;
        Assert.Equal(allowed, Evaluation.Evaluate(principal, "ecr:PutImage", Evaluation.Repository, [Evaluation.AllowWithCondition(condition)]).IsAllowed);
    }

    [Fact]
    public void CallerProvidedKeysWinOverDerivedOnes()
    {
        var policy = Evaluation.AllowWithCondition("""{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}""");
        Assert.False(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [policy]).IsAllowed);
        Assert.True(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [policy], context: "aws:CurrentTime=2019-06-01T00:00:00Z").IsAllowed);
    }

    [Fact]
    public void ResourceTagsAreVisibleUnderBothPrefixes()
    {
        var context = new RequestContext().SetResourceTags([new("team", "web")]);
        var policy = Evaluation.AllowWithCondition("""{"StringEquals":{"aws:ResourceTag/team":"web","ecr:ResourceTag/team":"web"}}""");
        var request = new AuthorizationRequest(Evaluation.User, "ecr:PutImage", Evaluation.Repository, Evaluation.Account, context, [policy]);
        Assert.True(Evaluation.Decide(request).IsAllowed);
    }

    [Fact]
    public void OneDocumentServesConcurrentEvaluations()
    {
        var policy = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr:*:*:repository/${aws:username}-*"}}""");
        Parallel.For(0, 2000, i =>
        {
            var name = "u" + (i % 50);
            var user = RequestPrincipal.User(Evaluation.Account, name, "AIDA" + name);
            Assert.True(Evaluation.Evaluate(user, "ecr:PutImage", $"arn:aws:ecr:us-east-1:111122223333:repository/{name}-x", [policy]).IsAllowed);
            Assert.False(Evaluation.Evaluate(user, "ecr:PutImage", $"arn:aws:ecr:us-east-1:111122223333:repository/z{name}-x", [policy]).IsAllowed);
        });
    }
}
