using Berth.Core.Errors;

namespace Berth.Core.PublicRegistries;

/// <summary>Catalog entries only the ECR Public API has (botocore model ecr-public/2020-10-30).</summary>
public static class PublicErrors
{
    public static readonly RegistryErrorCode RegistryNotFound = new("NAME_UNKNOWN", 404, "registry not found", "RegistryNotFoundException");
}
