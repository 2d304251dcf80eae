using Berth.Core.Errors;

namespace Berth.Core.PublicRegistries;

/// <summary>Catalog entries only the ECR Public API has (botocore model ecr-public/2020-10-30).</summary>
public static class PublicErrors
{
    public static readonly RegistryErrorCode RepositoryCatalogDataNotFound = new("UNSUPPORTED", 400, "repository catalog data not found", "RepositoryCatalogDataNotFoundException");
    public static readonly RegistryErrorCode RegistryNotFound = new("NAME_UNKNOWN", 404, "registry not found", "RegistryNotFoundException");
    public static readonly RegistryErrorCode UnsupportedCommand = new("UNSUPPORTED", 400, "unsupported command", "UnsupportedCommandException");
}
