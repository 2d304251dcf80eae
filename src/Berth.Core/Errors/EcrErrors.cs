namespace Berth.Core.Errors;

/// <summary>
/// Catalog entries of the ECR API (botocore model ecr/2015-09-21). The OCI code and status say how the same condition
/// is answered on /v2/ where it can arise there (an immutable tag, a missing repository).
/// </summary>
public static class EcrErrors
{
    public static readonly RegistryErrorCode InvalidParameter = new("UNSUPPORTED", 400, "invalid parameter", "InvalidParameterException");
    public static readonly RegistryErrorCode RepositoryNotFound = new("NAME_UNKNOWN", 404, "repository not found", "RepositoryNotFoundException");
    public static readonly RegistryErrorCode RepositoryAlreadyExists = new("UNSUPPORTED", 400, "repository already exists", "RepositoryAlreadyExistsException");
    public static readonly RegistryErrorCode RepositoryNotEmpty = new("UNSUPPORTED", 400, "repository not empty", "RepositoryNotEmptyException");
    public static readonly RegistryErrorCode ImageNotFound = new("MANIFEST_UNKNOWN", 404, "image not found", "ImageNotFoundException");
    public static readonly RegistryErrorCode ImageAlreadyExists = new("UNSUPPORTED", 400, "image already exists", "ImageAlreadyExistsException");
    public static readonly RegistryErrorCode ImageTagAlreadyExists = new("TAG_INVALID", 400, "image tag already exists", "ImageTagAlreadyExistsException");
    public static readonly RegistryErrorCode ImageDigestDoesNotMatch = new("DIGEST_INVALID", 400, "image digest does not match", "ImageDigestDoesNotMatchException");
    public static readonly RegistryErrorCode LayersNotFound = new("MANIFEST_BLOB_UNKNOWN", 404, "layers not found", "LayersNotFoundException");
    public static readonly RegistryErrorCode ReferencedImagesNotFound = new("MANIFEST_UNKNOWN", 404, "referenced images not found", "ReferencedImagesNotFoundException");
    public static readonly RegistryErrorCode LimitExceeded = new("TOOMANYREQUESTS", 429, "limit exceeded", "LimitExceededException");
    public static readonly RegistryErrorCode TagLimitExceeded = new("TAG_INVALID", 400, "too many tags for the image", "LimitExceededException");
    public static readonly RegistryErrorCode ScanLimitExceeded = new("TOOMANYREQUESTS", 400, "limit exceeded", "LimitExceededException");
    public static readonly RegistryErrorCode ScanNotFound = new("UNSUPPORTED", 400, "scan not found", "ScanNotFoundException");
    public static readonly RegistryErrorCode UnsupportedImageType = new("UNSUPPORTED", 400, "unsupported image type", "UnsupportedImageTypeException");
    public static readonly RegistryErrorCode TooManyTags = new("UNSUPPORTED", 400, "too many tags", "TooManyTagsException");
    public static readonly RegistryErrorCode InvalidTagParameter = new("UNSUPPORTED", 400, "invalid tag parameter", "InvalidTagParameterException");
    public static readonly RegistryErrorCode UploadNotFound = new("BLOB_UPLOAD_UNKNOWN", 404, "upload not found", "UploadNotFoundException");
    public static readonly RegistryErrorCode InvalidLayerPart = new("BLOB_UPLOAD_INVALID", 416, "invalid layer part", "InvalidLayerPartException");
    public static readonly RegistryErrorCode LayerPartTooSmall = new("BLOB_UPLOAD_INVALID", 400, "layer part too small", "LayerPartTooSmallException");
    public static readonly RegistryErrorCode InvalidLayer = new("DIGEST_INVALID", 400, "invalid layer", "InvalidLayerException");
    public static readonly RegistryErrorCode LayerAlreadyExists = new("UNSUPPORTED", 400, "layer already exists", "LayerAlreadyExistsException");
    public static readonly RegistryErrorCode EmptyUpload = new("BLOB_UPLOAD_INVALID", 400, "empty upload", "EmptyUploadException");
    public static readonly RegistryErrorCode LayerInaccessible = new("BLOB_UNKNOWN", 404, "layer inaccessible", "LayerInaccessibleException");
    public static readonly RegistryErrorCode TemplateAlreadyExists = new("UNSUPPORTED", 400, "template already exists", "TemplateAlreadyExistsException");
    public static readonly RegistryErrorCode TemplateNotFound = new("UNSUPPORTED", 400, "template not found", "TemplateNotFoundException");
    public static readonly RegistryErrorCode AccessDenied = new("DENIED", 403, "access denied", "AccessDeniedException");
    public static readonly RegistryErrorCode Validation = new("UNSUPPORTED", 400, "validation failed", "ValidationException");
    public static readonly RegistryErrorCode RepositoryPolicyNotFound = new("UNSUPPORTED", 400, "repository policy not found", "RepositoryPolicyNotFoundException");
    public static readonly RegistryErrorCode RegistryPolicyNotFound = new("UNSUPPORTED", 400, "registry policy not found", "RegistryPolicyNotFoundException");

    /// <summary>ECR's wording for a missing repository, used on both faces.</summary>
    public static RegistryException RepositoryMissing(string repository, string registryId) =>
        new(RepositoryNotFound, $"The repository with name '{repository}' does not exist in the registry with id '{registryId}'");

    /// <summary>A new tag for an image that already has the most an image may have (ECR's quota of 1,000).</summary>
    public static RegistryException TagsFull(string digest, int limit) =>
        new(TagLimitExceeded, $"The image with digest '{digest}' already has the maximum of {limit} tags.");

    /// <summary>ECR's wording for a push that would move a tag of an immutable repository.</summary>
    public static RegistryException TagImmutable(string? tag, string repository) =>
        new(ImageTagAlreadyExists, $"The image tag '{tag}' already exists in the '{repository}' repository and cannot be overwritten because the repository is immutable.");
}
