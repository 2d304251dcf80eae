namespace Berth.Server.Hosting;

/// <summary>
/// ECR Public's pull rate quotas: per source IP address for anonymous pulls, per account for authenticated ones
/// (1 and 10 per second by default, as AWS's).
/// </summary>
internal sealed class PublicPullOptions
{
    public int AnonymousPerSecond { get; set; } = 1;

    public int AuthenticatedPerSecond { get; set; } = 10;
}
