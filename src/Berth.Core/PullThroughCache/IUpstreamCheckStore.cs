using Berth.Core.Naming;

namespace Berth.Core.PullThroughCache;

/// <summary>When each cached tag of the registry was last compared with its upstream, so that it is compared at most once per refresh interval.</summary>
public interface IUpstreamCheckStore
{
    /// <summary>The time of the tag's last upstream check, or null when it was never checked.</summary>
    ValueTask<DateTimeOffset?> FindCheckedAtAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken);

    /// <summary>Records an upstream check of the tag (insert or replace).</summary>
    ValueTask MarkCheckedAsync(RepositoryName repository, Tag tag, DateTimeOffset checkedAt, CancellationToken cancellationToken);
}
