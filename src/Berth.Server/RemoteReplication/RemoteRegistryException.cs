namespace Berth.Server.RemoteReplication;

/// <summary>
/// A remote destination answered with an error. <see cref="Permanent"/> when trying again cannot help (401/403: the
/// credentials are refused; other 4xx: the destination rejects the content); 5xx and 429 are transient.
/// </summary>
internal sealed class RemoteRegistryException(string message, int statusCode, bool permanent) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public bool Permanent { get; } = permanent;

    public bool Unauthorized => StatusCode is 401 or 403;
}
