using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Npgsql;

namespace Berth.Storage;

/// <summary>
/// Tells a store that is down for a while (a database restart, an object store that does not answer, a network cut)
/// from a fault in Berth, so that the client gets a retryable 503 instead of a 500.
/// </summary>
public static class StoreAvailability
{
    /// <summary>
    /// True when <paramref name="exception"/> (or one it wraps) says the metadata database or the object store could not
    /// be reached, or answered that it is failing or overloaded (5xx): the request may succeed if retried later. Nothing
    /// of the request was committed: metadata commits in one transaction, and an upload's recorded state lists only the
    /// pieces an append finished.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: SocketException or EndOfStreamException or IOException }:
                case AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError }:
                case AmazonClientException when IsNetworkFailure(e.InnerException):
                case AmazonServiceException when IsNetworkFailure(e.InnerException):
                case HttpRequestException when IsNetworkFailure(e):
                case OperationCanceledException { InnerException: TimeoutException }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>A connection that could not be made or broke, or an outbound request that timed out.</summary>
    private static bool IsNetworkFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.NameResolutionError }
                or TimeoutException or IOException)
            {
                return true;
            }
        }

        return false;
    }
}
