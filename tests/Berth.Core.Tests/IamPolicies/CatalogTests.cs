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

    // The documents and descriptions of AWS's managed policy reference (one statement, Allow, Resource "*").
    [Theory]
    [InlineData("AmazonElasticContainerRegistryPublicFullAccess", "Provides administrative access to Amazon ECR Public resources", "ecr-public:* sts:GetServiceBearerToken")]
    [InlineData("AmazonElasticContainerRegistryPublicReadOnly", "Provides read-only access to Amazon ECR Public repositories.", "ecr-public:GetAuthorizationToken sts:GetServiceBearerToken ecr-public:BatchCheckLayerAvailability ecr-public:GetRepositoryPolicy ecr-public:DescribeRepositories ecr-public:DescribeRegistries ecr-public:DescribeImages ecr-public:DescribeImageTags ecr-public:GetRepositoryCatalogData ecr-public:GetRegistryCatalogData")]
    [InlineData("AmazonElasticContainerRegistryPublicPowerUser", "Provides full access to Amazon ECR Public repositories, but does not allow repository deletion or policy changes.", "ecr-public:GetAuthorizationToken sts:GetServiceBearerToken ecr-public:BatchCheckLayerAvailability ecr-public:GetRepositoryPolicy ecr-public:DescribeRepositories ecr-public:DescribeRegistries ecr-public:DescribeImages ecr-public:DescribeImageTags ecr-public:GetRepositoryCatalogData ecr-public:GetRegistryCatalogData ecr-public:InitiateLayerUpload ecr-public:UploadLayerPart ecr-public:CompleteLayerUpload ecr-public:PutImage")]
    public void PublicManagedPoliciesCarryAwsDocuments(string name, string description, string actions)
    {
        var policy = ManagedPolicies.All.Single(p => p.Name == name);
        Assert.Equal(description, policy.Description);
        var statement = Assert.Single(policy.Document.Statements);
        Assert.Equal(actions.Split(' '), statement.Actions);
        using var json = System.Text.Json.JsonDocument.Parse(policy.DocumentJson);
        var element = Assert.Single(json.RootElement.GetProperty("Statement").EnumerateArray());
        Assert.Equal("Allow", element.GetProperty("Effect").GetString());
        Assert.Equal("*", element.GetProperty("Resource").GetString());
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
