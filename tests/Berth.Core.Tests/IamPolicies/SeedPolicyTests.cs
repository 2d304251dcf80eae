using Berth.Core.IamPolicies;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>The two policies of ../shared/seeds/003_851301e53268a9f7.txt ("Required IAM permissions for pushing an image"), verbatim.</summary>
public sealed class SeedPolicyTests
{
    private const string PushToEveryRepository = """
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "ecr:CompleteLayerUpload",
                        "ecr:GetAuthorizationToken",
                        "ecr:UploadLayerPart",
                        "ecr:InitiateLayerUpload",
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:PutImage"
                    ],
                    "Resource": "*"
                }
            ]
        }
        """;

    private const string PushToOneRepository = """
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "ecr:CompleteLayerUpload",
                        "ecr:UploadLayerPart",
                        "ecr:InitiateLayerUpload",
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:PutImage"
                    ],
                    "Resource": "arn:aws:ecr:region:111122223333:repository/repository-name"
                },
                {
                    "Effect": "Allow",
                    "Action": "ecr:GetAuthorizationToken",
                    "Resource": "*"
                }
            ]
        }
        """;

    private const string Named = "arn:aws:ecr:region:111122223333:repository/repository-name";

    [Theory]
    [InlineData("ecr:GetAuthorizationToken", "*", true)]
    [InlineData("ecr:InitiateLayerUpload", Evaluation.Repository, true)]
    [InlineData("ecr:UploadLayerPart", "arn:aws:ecr:eu-west-1:111122223333:repository/any/name", true)]
    [InlineData("ecr:CompleteLayerUpload", Evaluation.Repository, true)]
    [InlineData("ecr:BatchCheckLayerAvailability", Evaluation.Repository, true)]
    [InlineData("ecr:PutImage", Evaluation.Repository, true)]
    [InlineData("ecr:BatchGetImage", Evaluation.Repository, false)]
    [InlineData("ecr:DeleteRepository", Evaluation.Repository, false)]
    public void PushPolicyForEveryRepository(string action, string resource, bool allowed)
    {
        var result = Evaluation.Evaluate(Evaluation.User, action, resource, [PolicyDocument.Parse(PushToEveryRepository, PolicyDocumentKind.Identity)]);
        Assert.Equal(allowed, result.IsAllowed);
    }

    [Theory]
    [InlineData("ecr:GetAuthorizationToken", "*", true)]
    [InlineData("ecr:InitiateLayerUpload", Named, true)]
    [InlineData("ecr:UploadLayerPart", Named, true)]
    [InlineData("ecr:CompleteLayerUpload", Named, true)]
    [InlineData("ecr:BatchCheckLayerAvailability", Named, true)]
    [InlineData("ecr:PutImage", Named, true)]
    [InlineData("ecr:PutImage", "arn:aws:ecr:region:111122223333:repository/other", false)]
    [InlineData("ecr:PutImage", "arn:aws:ecr:us-east-1:111122223333:repository/repository-name", false)]
    [InlineData("ecr:PutImage", "arn:aws:ecr:region:111122223333:repository/repository-name/sub", false)]
    [InlineData("ecr:GetAuthorizationToken", Named, true)]
    [InlineData("ecr:BatchGetImage", Named, false)]
    public void PushPolicyScopedToOneRepository(string action, string resource, bool allowed)
    {
        var result = Evaluation.Evaluate(Evaluation.User, action, resource, [PolicyDocument.Parse(PushToOneRepository, PolicyDocumentKind.Identity)]);
        Assert.Equal(allowed, result.IsAllowed);
    }

    [Fact]
    public void RefusalOnAnotherRepositoryUsesAwsWords()
    {
        var result = Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", "arn:aws:ecr:region:111122223333:repository/other",
            [PolicyDocument.Parse(PushToOneRepository, PolicyDocumentKind.Identity)]);
        Assert.Equal(AuthorizationDecision.ImplicitDeny, result.Decision);
        Assert.Equal(PolicyType.IdentityBased, result.PolicyType);
        Assert.Equal("User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:region:111122223333:repository/other because no identity-based policy allows the ecr:PutImage action", result.Message);
    }
}
