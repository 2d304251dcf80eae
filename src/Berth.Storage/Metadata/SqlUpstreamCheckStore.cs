using Berth.Core.Naming;
using Berth.Core.PullThroughCache;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>Upstream checks of cached tags in the table <c>pull_through_cache_checks</c>.</summary>
internal sealed class SqlUpstreamCheckStore(MetadataDatabase database, RegistryIdentity registry) : IUpstreamCheckStore
{
    public async ValueTask<DateTimeOffset?> FindCheckedAtAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken)
    {
        var value = await database.ScalarAsync(
            "SELECT checked_at FROM pull_through_cache_checks WHERE account_id = @account AND region = @region AND repository = @repository AND tag = @tag",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@repository", repository.Value), ("@tag", tag.Value)).ConfigureAwait(false);
        return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask MarkCheckedAsync(RepositoryName repository, Tag tag, DateTimeOffset checkedAt, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO pull_through_cache_checks (account_id, region, repository, tag, checked_at) VALUES (@account, @region, @repository, @tag, @at)
            ON CONFLICT (account_id, region, repository, tag) DO UPDATE SET checked_at = excluded.checked_at
            """,
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@repository", repository.Value), ("@tag", tag.Value),
            ("@at", checkedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
}
