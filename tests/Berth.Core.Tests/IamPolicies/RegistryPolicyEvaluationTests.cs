using Berth.Core.IamPolicies;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>
/// The registry policy counts as a second resource-based policy beside the repository's: an explicit Deny in it wins,
/// an Allow in it grants within the account and, with the caller's identity policy, across accounts.
/// </summary>
public sealed class RegistryPolicyEvaluationTests
{
    private static readonly RequestPrincipal OtherRoot = RequestPrincipal.Root(Evaluation.OtherAccount);
    private static readonly PolicyDocument AllowEcr = Evaluation.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}}""");

    [Fact]
    public void ARegistryPolicyAllowLetsAnotherAccountInWithoutARepositoryPolicy()
    {
        var registry = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}}""");

        var allowed = Evaluate(OtherRoot, "ecr:BatchGetImage", Evaluation.Repository, [], null, registry);
        var otherAction = Evaluate(OtherRoot, "ecr:PutImage", Evaluation.Repository, [], null, registry);
        var otherResource = Evaluate(OtherRoot, "ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:111122223333:repository/app", [], null, registry);

        Assert.True(allowed.IsAllowed);
        Assert.False(otherAction.IsAllowed);
        Assert.Equal(PolicyType.ResourceBased, otherAction.PolicyType);
        Assert.False(otherResource.IsAllowed);
    }

    [Fact]
    public void AnExplicitDenyInTheRegistryPolicyBeatsTheRepositoryPolicyAndTheRoot()
    {
        var repositoryAllow = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"ecr:*"}}""");
        var registryDeny = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository","Resource":"*"}}""");

        var user = Evaluate(Evaluation.User, "ecr:DeleteRepository", Evaluation.Repository, [AllowEcr], repositoryAllow, registryDeny);
        var root = Evaluate(RequestPrincipal.Root(Evaluation.Account), "ecr:DeleteRepository", Evaluation.Repository, [], null, registryDeny);
        var otherAction = Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [], repositoryAllow, registryDeny);

        Assert.Equal(AuthorizationDecision.ExplicitDeny, user.Decision);
        Assert.Equal(PolicyType.ResourceBased, user.PolicyType);
        Assert.EndsWith("with an explicit deny in a resource-based policy", user.Message, StringComparison.Ordinal);
        Assert.Equal(AuthorizationDecision.ExplicitDeny, root.Decision);
        Assert.True(otherAction.IsAllowed);
    }

    [Fact]
    public void AcrossAccountsTheCallersIdentityPolicyMustAllowToo()
    {
        var registry = Evaluation.Resource("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:*","Resource":"*"}}""");
        var otherUser = RequestPrincipal.User(Evaluation.OtherAccount, "puller", "AIDAOTHERUSERID");

        var withoutIdentity = Evaluate(otherUser, "ecr:BatchGetImage", Evaluation.Repository, [], null, registry);
        var withIdentity = Evaluate(otherUser, "ecr:BatchGetImage", Evaluation.Repository, [AllowEcr], null, registry);

        Assert.False(withoutIdentity.IsAllowed);
        Assert.Equal(PolicyType.IdentityBased, withoutIdentity.PolicyType);
        Assert.True(withIdentity.IsAllowed);
    }

    private static AuthorizationResult Evaluate(
        RequestPrincipal principal, string action, string resource, IReadOnlyList<PolicyDocument> identity, PolicyDocument? repositoryPolicy, PolicyDocument registryPolicy) =>
        Evaluation.Decide(new AuthorizationRequest(principal, action, resource, Evaluation.Account, new RequestContext(), identity, repositoryPolicy, registryPolicy));
}
