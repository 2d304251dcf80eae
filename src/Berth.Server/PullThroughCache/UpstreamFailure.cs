using System.Net;
using Berth.Core.Errors;
using Berth.Core.PullThroughCache;

namespace Berth.Server.PullThroughCache;

/// <summary>An upstream that did not serve a pull: its status (null when it could not be reached) and why.</summary>
internal sealed class UpstreamFailure(HttpStatusCode? status, string detail, Exception? inner = null) : Exception(detail, inner)
{
    public HttpStatusCode? Status => status;

    /// <summary>What the client is told when nothing cached can stand in: 404 as the missing object, 429 as throttling, else 503.</summary>
    public RegistryException ToRegistryException(RegistryErrorCode notFound, string what) => status switch
    {
        HttpStatusCode.NotFound => new RegistryException(notFound, $"{what} is unknown to the upstream registry"),
        HttpStatusCode.TooManyRequests => new RegistryException(PullThroughCacheErrors.UpstreamThrottled, $"the upstream registry is throttling requests: {Message}"),
        _ => new RegistryException(PullThroughCacheErrors.UpstreamUnavailable, $"the upstream registry could not serve {what}: {Message}"),
    };
}
