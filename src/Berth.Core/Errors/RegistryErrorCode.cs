namespace Berth.Core.Errors;

/// <summary>
/// One entry of the error catalog: the OCI code (distribution-spec "Error Codes"), the HTTP status it is
/// answered with and its default message, and the ECR exception the JSON API answers with (InvalidParameterException
/// when none is given). Both wire formats are fed from here, never from handlers.
/// </summary>
public sealed record RegistryErrorCode(string Code, int HttpStatus, string Message, string EcrException = "InvalidParameterException")
{
    public static readonly RegistryErrorCode BlobUnknown = new("BLOB_UNKNOWN", 404, "blob unknown to registry");
    public static readonly RegistryErrorCode BlobUploadInvalid = new("BLOB_UPLOAD_INVALID", 400, "blob upload invalid");
    public static readonly RegistryErrorCode BlobUploadUnknown = new("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry");
    public static readonly RegistryErrorCode DigestInvalid = new("DIGEST_INVALID", 400, "provided digest did not match uploaded content");
    public static readonly RegistryErrorCode ManifestBlobUnknown = new("MANIFEST_BLOB_UNKNOWN", 404, "manifest references a manifest or blob unknown to registry");
    public static readonly RegistryErrorCode ManifestInvalid = new("MANIFEST_INVALID", 400, "manifest invalid");
    public static readonly RegistryErrorCode ManifestTooLarge = new("MANIFEST_INVALID", 413, "manifest exceeds the size limit");
    public static readonly RegistryErrorCode ManifestUnknown = new("MANIFEST_UNKNOWN", 404, "manifest unknown to registry");
    public static readonly RegistryErrorCode NameInvalid = new("NAME_INVALID", 400, "invalid repository name");
    public static readonly RegistryErrorCode NameUnknown = new("NAME_UNKNOWN", 404, "repository name not known to registry", "RepositoryNotFoundException");
    public static readonly RegistryErrorCode SizeInvalid = new("SIZE_INVALID", 400, "provided length did not match content length");
    public static readonly RegistryErrorCode TagInvalid = new("TAG_INVALID", 400, "manifest tag did not match URI");
    public static readonly RegistryErrorCode RangeInvalid = new("BLOB_UPLOAD_INVALID", 416, "requested range not satisfiable");
    public static readonly RegistryErrorCode Unauthorized = new("UNAUTHORIZED", 401, "authentication required");
    public static readonly RegistryErrorCode Denied = new("DENIED", 403, "requested access to the resource is denied");
    public static readonly RegistryErrorCode Unsupported = new("UNSUPPORTED", 405, "the operation is unsupported");
    public static readonly RegistryErrorCode TooManyRequests = new("TOOMANYREQUESTS", 429, "too many requests");

    /// <summary>A token request (<c>/token/</c>) whose form cannot be read: OAuth 2.0's invalid_request (RFC 6749, section 5.2).</summary>
    public static readonly RegistryErrorCode TokenRequestInvalid = new("INVALID_REQUEST", 400, "the token request is malformed");

    /// <summary>A path under /v2/ (or /token/ off the public host) that no endpoint serves.</summary>
    public static readonly RegistryErrorCode EndpointNotFound = new("NOT_FOUND", 404, "no such endpoint");

    /// <summary>The <c>n</c> of a paginated list is not a non-negative integer (distribution's PAGINATION_NUMBER_INVALID).</summary>
    public static readonly RegistryErrorCode PaginationNumberInvalid = new("PAGINATION_NUMBER_INVALID", 400, "invalid number of results requested");

    /// <summary>Basic credentials sent to the public registry, which takes Bearer tokens only: ECR Public answers 400 DENIED.</summary>
    public static readonly RegistryErrorCode PublicTokenInvalid = new("DENIED", 400, "denied");
}
