namespace Berth.Core.IamPolicies;

/// <summary>The IAM actions of Amazon ECR Public: one per operation of the botocore model ecr-public/2020-10-30.</summary>
public static class EcrPublicActions
{
    public const string BatchCheckLayerAvailability = "ecr-public:BatchCheckLayerAvailability";
    public const string BatchDeleteImage = "ecr-public:BatchDeleteImage";
    public const string CompleteLayerUpload = "ecr-public:CompleteLayerUpload";
    public const string CreateRepository = "ecr-public:CreateRepository";
    public const string DeleteRepository = "ecr-public:DeleteRepository";
    public const string DeleteRepositoryPolicy = "ecr-public:DeleteRepositoryPolicy";
    public const string DescribeImageTags = "ecr-public:DescribeImageTags";
    public const string DescribeImages = "ecr-public:DescribeImages";
    public const string DescribeRegistries = "ecr-public:DescribeRegistries";
    public const string DescribeRepositories = "ecr-public:DescribeRepositories";
    public const string GetAuthorizationToken = "ecr-public:GetAuthorizationToken";
    public const string GetRegistryCatalogData = "ecr-public:GetRegistryCatalogData";
    public const string GetRepositoryCatalogData = "ecr-public:GetRepositoryCatalogData";
    public const string GetRepositoryPolicy = "ecr-public:GetRepositoryPolicy";
    public const string InitiateLayerUpload = "ecr-public:InitiateLayerUpload";
    public const string ListTagsForResource = "ecr-public:ListTagsForResource";
    public const string PutImage = "ecr-public:PutImage";
    public const string PutRegistryCatalogData = "ecr-public:PutRegistryCatalogData";
    public const string PutRepositoryCatalogData = "ecr-public:PutRepositoryCatalogData";
    public const string SetRepositoryPolicy = "ecr-public:SetRepositoryPolicy";
    public const string TagResource = "ecr-public:TagResource";
    public const string UntagResource = "ecr-public:UntagResource";
    public const string UploadLayerPart = "ecr-public:UploadLayerPart";

    /// <summary>Every action, sorted by name.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        BatchCheckLayerAvailability,
        BatchDeleteImage,
        CompleteLayerUpload,
        CreateRepository,
        DeleteRepository,
        DeleteRepositoryPolicy,
        DescribeImageTags,
        DescribeImages,
        DescribeRegistries,
        DescribeRepositories,
        GetAuthorizationToken,
        GetRegistryCatalogData,
        GetRepositoryCatalogData,
        GetRepositoryPolicy,
        InitiateLayerUpload,
        ListTagsForResource,
        PutImage,
        PutRegistryCatalogData,
        PutRepositoryCatalogData,
        SetRepositoryPolicy,
        TagResource,
        UntagResource,
        UploadLayerPart,
    ];

    /// <summary>Whether an action is one of these (case-insensitive, as IAM compares actions).</summary>
    public static bool Contains(string action) => All.Contains(action, StringComparer.OrdinalIgnoreCase);
}
