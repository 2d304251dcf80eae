namespace Berth.Server.Tests.Authorization;

/// <summary>
/// The two IAM policies of the seed (ECR User Guide, "Required IAM permissions for pushing an image"), verbatim. The
/// repository-scoped one names <c>arn:aws:ecr:region:111122223333:repository/repository-name</c>, a placeholder the
/// tests replace with a real repository ARN (<see cref="PushToOneRepository"/>), and nothing else.
/// </summary>
internal static class SeedPolicies
{
    public const string PushToAllRepositories = """
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

    public const string PushToOneRepositoryTemplate = """
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

    /// <summary>The seed's second policy with its placeholder ARN replaced by <paramref name="repositoryArn"/>.</summary>
    public static string PushToOneRepository(string repositoryArn) =>
        PushToOneRepositoryTemplate.Replace("arn:aws:ecr:region:111122223333:repository/repository-name", repositoryArn, StringComparison.Ordinal);
}
