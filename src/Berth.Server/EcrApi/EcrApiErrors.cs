using Berth.Core.Errors;

namespace Berth.Server.EcrApi;

/// <summary>Errors of the AWS JSON protocol itself, answered before an operation runs.</summary>
internal static class EcrApiErrors
{
    public static readonly RegistryErrorCode Serialization = new("UNSUPPORTED", 400, "serialization error", "SerializationException");
    public static readonly RegistryErrorCode UnknownOperation = new("UNSUPPORTED", 400, "unknown operation", "UnknownOperationException");
    public static readonly RegistryErrorCode TooLarge = new("SIZE_INVALID", 413, "request too large", "RequestEntityTooLargeException");
    public static readonly RegistryErrorCode Server = new("UNKNOWN", 500, "internal error", "ServerException");
}
