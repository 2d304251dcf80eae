namespace Berth.Core.Errors;

/// <summary>
/// An error the client must be told about. The edge turns it into the wire format of the face that was called;
/// <see cref="Detail"/> is serialized as the OCI error's <c>detail</c>.
/// </summary>
public sealed class RegistryException : Exception
{
    public RegistryException(RegistryErrorCode error, string? message = null, object? detail = null)
        : base(message ?? error.Message)
    {
        Error = error;
        Detail = detail;
    }

    public RegistryException()
        : this(RegistryErrorCode.Unsupported)
    {
    }

    public RegistryException(string message)
        : this(RegistryErrorCode.Unsupported, message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = RegistryErrorCode.Unsupported;
    }

    public RegistryErrorCode Error { get; }

    public object? Detail { get; }
}
