using System.Collections.Concurrent;

namespace Berth.Server.PullThroughCache;

/// <summary>
/// The upstream blob fetches running on this node, one per (upstream, repository, credential, digest): N clients
/// of one uncached blob cause one upstream GET. Each fetch runs on its own, bounded by the server's lifetime, not by
/// the request that started it, so the blob is stored even when that client goes away. Nodes do not share flights:
/// two nodes that miss the same blob at once both fetch it, and the store keeps one copy.
/// </summary>
internal sealed class BlobFlights(IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, BlobFlight> _flights = new(StringComparer.Ordinal);

    /// <summary>The number of fetches running (for tests and metrics).</summary>
    public int Count => _flights.Count;

    /// <summary>The running flight of <paramref name="key"/>, or a new one that <paramref name="fetch"/> runs.</summary>
    public BlobFlight Join(string key, Func<BlobFlight, CancellationToken, Task> fetch)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                return running;
            }

            var flight = new BlobFlight();
            if (_flights.TryAdd(key, flight))
            {
                _ = RunAsync(key, flight, fetch);
                return flight;
            }
        }
    }

    private async Task RunAsync(string key, BlobFlight flight, Func<BlobFlight, CancellationToken, Task> fetch)
    {
        // Off the caller's stack: the request that started the flight only subscribes to it.
        await Task.Yield();
        try
        {
            await fetch(flight, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Every subscriber sees the failure, through its queue and the Stored task; the edge logs it once.
            flight.Fail(e);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, BlobFlight>(key, flight));
        }
    }
}
