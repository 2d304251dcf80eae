using Berth.Core.IamPolicies;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>EcrActions and the AWS managed policies.</summary>
public sealed class CatalogTests
{
    [Fact]
    public void EveryManagedPolicyParsesAsACurrentIdentityPolicy()
    {
        Assert.Equal(8, ManagedPolicies.All.Count);
        foreach (var policy in ManagedPolicies.All)
        {
            Assert.Equal($"arn:aws:iam::aws:policy/{policy.Name}", policy.Arn);
            Assert.Equal("/", policy.Path);
            Assert.Equal(PolicyDocument.CurrentVersion, policy.Document.Version);
            Assert.Same(policy, ManagedPolicies.FindByArn(policy.Arn));
        }

        Assert.Null(ManagedPolicies.FindByArn("arn:aws:iam::aws:policy/NoSuchPolicy"));
    }

    [Theory]
    [InlineData("AmazonEC2ContainerRegistryReadOnly", "ecr:BatchGetImage", true)]
    [InlineData("AmazonEC2ContainerRegistryReadOnly", "ecr:GetAuthorizationToken", true)]
    [InlineData("AmazonEC2ContainerRegistryReadOnly", "ecr:PutImage", false)]
    [InlineData("AmazonEC2ContainerRegistryPullOnly", "ecr:GetDownloadUrlForLayer", true)]
    [InlineData("AmazonEC2ContainerRegistryPullOnly", "ecr:DescribeRepositories", false)]
    [InlineData("AmazonEC2ContainerRegistryPowerUser", "ecr:PutImage", true)]
    [InlineData("AmazonEC2ContainerRegistryPowerUser", "ecr:DeleteRepository", false)]
    [InlineData("AmazonEC2ContainerRegistryPowerUser", "ecr:SetRepositoryPolicy", false)]
    [InlineData("AmazonEC2ContainerRegistryFullAccess", "ecr:DeleteRepository", true)]
    [InlineData("AmazonEC2ContainerRegistryFullAccess", "ecr-public:PutImage", false)]
    [InlineData("AmazonElasticContainerRegistryPublicFullAccess", "ecr-public:PutImage", true)]
    [InlineData("AmazonElasticContainerRegistryPublicFullAccess", "sts:GetServiceBearerToken", true)]
    [InlineData("AmazonElasticContainerRegistryPublicReadOnly", "ecr-public:PutImage", false)]
    [InlineData("AmazonElasticContainerRegistryPublicPowerUser", "ecr-public:PutImage", true)]
    [InlineData("AdministratorAccess", "iam:CreateUser", true)]
    public void ManagedPolicyGrantsWhatAwsDocuments(string name, string action, bool allowed)
    {
        var policy = ManagedPolicies.All.Single(p => p.Name == name);
        Assert.Equal(allowed, Evaluation.Evaluate(Evaluation.User, action, Evaluation.Repository, [policy.Document]).IsAllowed);
    }

    [Fact]
    public void EcrActionsCoverEveryOperationOfTheModel()
    {
        Assert.Equal(60, EcrActions.All.Count);
        Assert.Equal(23, EcrPublicActions.All.Count);
        Assert.All(EcrActions.All, a => Assert.StartsWith("ecr:", a, StringComparison.Ordinal));
        Assert.All(EcrPublicActions.All, a => Assert.StartsWith("ecr-public:", a, StringComparison.Ordinal));
        Assert.Contains(EcrActions.PutImage, EcrActions.All);
        Assert.True(EcrActions.Contains("ECR:putimage"));
        Assert.False(EcrActions.Contains("ecr:Nope"));
        Assert.Equal(EcrActions.All.Count, EcrActions.All.Distinct().Count());
    }
}
