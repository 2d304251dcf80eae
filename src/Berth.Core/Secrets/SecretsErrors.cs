using Berth.Core.Errors;

namespace Berth.Core.Secrets;

/// <summary>Catalog entries of the Secrets Manager API (botocore model secretsmanager/2017-10-17).</summary>
public static class SecretsErrors
{
    public static readonly RegistryErrorCode ResourceNotFound = new("UNSUPPORTED", 400, "secret not found", "ResourceNotFoundException");
    public static readonly RegistryErrorCode ResourceExists = new("UNSUPPORTED", 400, "secret exists", "ResourceExistsException");
    public static readonly RegistryErrorCode InvalidParameter = new("UNSUPPORTED", 400, "invalid parameter", "InvalidParameterException");
    public static readonly RegistryErrorCode InvalidRequest = new("UNSUPPORTED", 400, "invalid request", "InvalidRequestException");
    public static readonly RegistryErrorCode AccessDenied = new("DENIED", 400, "access denied", "AccessDeniedException");

    /// <summary>Secrets Manager's answer for a secret it cannot find (the wording AWS sends).</summary>
    public static RegistryException NotFound() => new(ResourceNotFound, "Secrets Manager can't find the specified secret.");
}
