namespace Berth.Core.IamPolicies;

/// <summary>The IAM actions of Amazon ECR: one per operation of the botocore model ecr/2015-09-21, plus the IAM-only actions ecr:BatchImportUpstreamImage (pull through cache) and ecr:ReplicateImage (replication), as the Service Authorization Reference lists them.</summary>
public static class EcrActions
{
    public const string BatchCheckLayerAvailability = "ecr:BatchCheckLayerAvailability";
    public const string BatchDeleteImage = "ecr:BatchDeleteImage";
    public const string BatchGetImage = "ecr:BatchGetImage";
    public const string BatchGetRepositoryScanningConfiguration = "ecr:BatchGetRepositoryScanningConfiguration";
    public const string BatchImportUpstreamImage = "ecr:BatchImportUpstreamImage";
    public const string CompleteLayerUpload = "ecr:CompleteLayerUpload";
    public const string CreatePullThroughCacheRule = "ecr:CreatePullThroughCacheRule";
    public const string CreateRepository = "ecr:CreateRepository";
    public const string CreateRepositoryCreationTemplate = "ecr:CreateRepositoryCreationTemplate";
    public const string DeleteLifecyclePolicy = "ecr:DeleteLifecyclePolicy";
    public const string DeletePullThroughCacheRule = "ecr:DeletePullThroughCacheRule";
    public const string DeleteRegistryPolicy = "ecr:DeleteRegistryPolicy";
    public const string DeleteRepository = "ecr:DeleteRepository";
    public const string DeleteRepositoryCreationTemplate = "ecr:DeleteRepositoryCreationTemplate";
    public const string DeleteRepositoryPolicy = "ecr:DeleteRepositoryPolicy";
    public const string DeleteSigningConfiguration = "ecr:DeleteSigningConfiguration";
    public const string DeregisterPullTimeUpdateExclusion = "ecr:DeregisterPullTimeUpdateExclusion";
    public const string DescribeImageReplicationStatus = "ecr:DescribeImageReplicationStatus";
    public const string DescribeImageScanFindings = "ecr:DescribeImageScanFindings";
    public const string DescribeImageSigningStatus = "ecr:DescribeImageSigningStatus";
    public const string DescribeImages = "ecr:DescribeImages";
    public const string DescribePullThroughCacheRules = "ecr:DescribePullThroughCacheRules";
    public const string DescribeRegistry = "ecr:DescribeRegistry";
    public const string DescribeRepositories = "ecr:DescribeRepositories";
    public const string DescribeRepositoryCreationTemplates = "ecr:DescribeRepositoryCreationTemplates";
    public const string GetAccountSetting = "ecr:GetAccountSetting";
    public const string GetAuthorizationToken = "ecr:GetAuthorizationToken";
    public const string GetDownloadUrlForLayer = "ecr:GetDownloadUrlForLayer";
    public const string GetLifecyclePolicy = "ecr:GetLifecyclePolicy";
    public const string GetLifecyclePolicyPreview = "ecr:GetLifecyclePolicyPreview";
    public const string GetRegistryPolicy = "ecr:GetRegistryPolicy";
    public const string GetRegistryScanningConfiguration = "ecr:GetRegistryScanningConfiguration";
    public const string GetRepositoryPolicy = "ecr:GetRepositoryPolicy";
    public const string GetSigningConfiguration = "ecr:GetSigningConfiguration";
    public const string InitiateLayerUpload = "ecr:InitiateLayerUpload";
    public const string ListImageReferrers = "ecr:ListImageReferrers";
    public const string ListImages = "ecr:ListImages";
    public const string ListPullTimeUpdateExclusions = "ecr:ListPullTimeUpdateExclusions";
    public const string ListTagsForResource = "ecr:ListTagsForResource";
    public const string PutAccountSetting = "ecr:PutAccountSetting";
    public const string PutImage = "ecr:PutImage";
    public const string PutImageScanningConfiguration = "ecr:PutImageScanningConfiguration";
    public const string PutImageTagMutability = "ecr:PutImageTagMutability";
    public const string PutLifecyclePolicy = "ecr:PutLifecyclePolicy";
    public const string PutRegistryPolicy = "ecr:PutRegistryPolicy";
    public const string PutRegistryScanningConfiguration = "ecr:PutRegistryScanningConfiguration";
    public const string PutReplicationConfiguration = "ecr:PutReplicationConfiguration";
    public const string PutSigningConfiguration = "ecr:PutSigningConfiguration";
    public const string RegisterPullTimeUpdateExclusion = "ecr:RegisterPullTimeUpdateExclusion";
    public const string ReplicateImage = "ecr:ReplicateImage";
    public const string SetRepositoryPolicy = "ecr:SetRepositoryPolicy";
    public const string StartImageScan = "ecr:StartImageScan";
    public const string StartLifecyclePolicyPreview = "ecr:StartLifecyclePolicyPreview";
    public const string TagResource = "ecr:TagResource";
    public const string UntagResource = "ecr:UntagResource";
    public const string UpdateImageStorageClass = "ecr:UpdateImageStorageClass";
    public const string UpdatePullThroughCacheRule = "ecr:UpdatePullThroughCacheRule";
    public const string UpdateRepositoryCreationTemplate = "ecr:UpdateRepositoryCreationTemplate";
    public const string UploadLayerPart = "ecr:UploadLayerPart";
    public const string ValidatePullThroughCacheRule = "ecr:ValidatePullThroughCacheRule";

    /// <summary>Every action, sorted by name.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        BatchCheckLayerAvailability,
        BatchDeleteImage,
        BatchGetImage,
        BatchGetRepositoryScanningConfiguration,
        BatchImportUpstreamImage,
        CompleteLayerUpload,
        CreatePullThroughCacheRule,
        CreateRepository,
        CreateRepositoryCreationTemplate,
        DeleteLifecyclePolicy,
        DeletePullThroughCacheRule,
        DeleteRegistryPolicy,
        DeleteRepository,
        DeleteRepositoryCreationTemplate,
        DeleteRepositoryPolicy,
        DeleteSigningConfiguration,
        DeregisterPullTimeUpdateExclusion,
        DescribeImageReplicationStatus,
        DescribeImageScanFindings,
        DescribeImageSigningStatus,
        DescribeImages,
        DescribePullThroughCacheRules,
        DescribeRegistry,
        DescribeRepositories,
        DescribeRepositoryCreationTemplates,
        GetAccountSetting,
        GetAuthorizationToken,
        GetDownloadUrlForLayer,
        GetLifecyclePolicy,
        GetLifecyclePolicyPreview,
        GetRegistryPolicy,
        GetRegistryScanningConfiguration,
        GetRepositoryPolicy,
        GetSigningConfiguration,
        InitiateLayerUpload,
        ListImageReferrers,
        ListImages,
        ListPullTimeUpdateExclusions,
        ListTagsForResource,
        PutAccountSetting,
        PutImage,
        PutImageScanningConfiguration,
        PutImageTagMutability,
        PutLifecyclePolicy,
        PutRegistryPolicy,
        PutRegistryScanningConfiguration,
        PutReplicationConfiguration,
        PutSigningConfiguration,
        RegisterPullTimeUpdateExclusion,
        ReplicateImage,
        SetRepositoryPolicy,
        StartImageScan,
        StartLifecyclePolicyPreview,
        TagResource,
        UntagResource,
        UpdateImageStorageClass,
        UpdatePullThroughCacheRule,
        UpdateRepositoryCreationTemplate,
        UploadLayerPart,
        ValidatePullThroughCacheRule,
    ];

    /// <summary>Whether an action is one of these (case-insensitive, as IAM compares actions).</summary>
    public static bool Contains(string action) => All.Contains(action, StringComparer.OrdinalIgnoreCase);
}
