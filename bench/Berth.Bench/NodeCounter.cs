using System.Collections.Concurrent;

namespace Berth.Bench;

/// <summary>
/// Counts the requests sent to each node of a cluster and the answers each gave, so a run shows on stderr that the
/// load was spread (a node that took no request, or answered none, would make the two-node column meaningless).
/// </summary>
internal sealed class NodeCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    // Per node (host:port): [0] requests sent, [1] answers received.
    private readonly ConcurrentDictionary<string, long[]> _counts = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var counts = _counts.GetOrAdd(request.RequestUri!.Authority, _ => new long[2]);
        Interlocked.Increment(ref counts[0]);
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref counts[1]);
        return response;
    }

    /// <summary>"127.0.0.1:15007 12,345 requests (12,345 answered), 127.0.0.1:15008 …".</summary>
    public string Summary() =>
        string.Join(", ", _counts.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key} {p.Value[0]:N0} requests ({p.Value[1]:N0} answered)"));
}
