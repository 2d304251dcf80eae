using System.Net.Sockets;
using Npgsql;

namespace Berth.Storage;

/// <summary>Tells a store that is down for a while (a database restart, a network cut) from a fault in Berth.</summary>
public static class StoreAvailability
{
    /// <summary>
    /// True when <paramref name="exception"/> (or one it wraps) says the metadata database could not be reached or
    /// is shutting down or overloaded: the request may succeed if retried later, and nothing of it was committed.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or NpgsqlException { InnerException: SocketException or EndOfStreamException or IOException })
            {
                return true;
            }
        }

        return false;
    }
}
