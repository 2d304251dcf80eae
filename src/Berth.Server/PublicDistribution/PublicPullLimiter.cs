using System.Threading.RateLimiting;
using Berth.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Berth.Server.PublicDistribution;

/// <summary>
/// ECR Public's pull quotas: anonymous pulls per source IP address, authenticated pulls per account, each a token
/// bucket refilled every second with the configured rate (Berth:PublicPulls). A pull is a manifest request by tag
/// (what starts every docker, podman or skopeo pull; the digests it then follows are part of the same pull). Buckets
/// of clients that went quiet are dropped by the partitioned limiter. Per process: each node of a cluster counts its own.
/// </summary>
internal sealed class PublicPullLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public PublicPullLimiter(IOptions<BerthOptions> options)
    {
        var rates = options.Value.PublicPulls;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, k => new TokenBucketRateLimiterOptions
        {
            TokenLimit = k.StartsWith("account:", StringComparison.Ordinal) ? rates.AuthenticatedPerSecond : rates.AnonymousPerSecond,
            TokensPerPeriod = k.StartsWith("account:", StringComparison.Ordinal) ? rates.AuthenticatedPerSecond : rates.AnonymousPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Takes one pull for the client (<paramref name="account"/> when authenticated, else the source address); false when over the rate.</summary>
    public bool TryAcquire(HttpContext context, string? account)
    {
        var key = account is not null ? "account:" + account : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
