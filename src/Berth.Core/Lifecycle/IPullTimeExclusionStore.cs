using Berth.Core.Paging;

namespace Berth.Core.Lifecycle;

/// <summary>
/// One registry's pull-time update exclusions: IAM principals (user or role ARNs) whose pulls do not move
/// lastRecordedPullTime. Safe to call concurrently.
/// </summary>
public interface IPullTimeExclusionStore
{
    /// <summary>Adds the principal at <paramref name="createdAt"/>; false when it is already excluded.</summary>
    ValueTask<bool> RegisterAsync(string principalArn, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Removes the principal; false when it was not excluded.</summary>
    ValueTask<bool> DeregisterAsync(string principalArn, CancellationToken cancellationToken);

    /// <summary>Excluded principals in ordinal order, after <see cref="PageRequest.After"/>.</summary>
    ValueTask<Page<string>> ListAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>How many principals are excluded.</summary>
    ValueTask<int> CountAsync(CancellationToken cancellationToken);

    /// <summary>Whether any of <paramref name="principalArns"/> is excluded.</summary>
    ValueTask<bool> IsExcludedAsync(IReadOnlyList<string> principalArns, CancellationToken cancellationToken);
}
