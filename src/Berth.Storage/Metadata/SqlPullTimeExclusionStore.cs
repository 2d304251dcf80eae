using Berth.Core.Lifecycle;
using Berth.Core.Paging;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>Pull-time update exclusions of one registry in <c>pull_time_update_exclusions</c>.</summary>
internal sealed class SqlPullTimeExclusionStore(MetadataDatabase database, RegistryIdentity registry) : IPullTimeExclusionStore
{
    public async ValueTask<bool> RegisterAsync(string principalArn, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO pull_time_update_exclusions (account_id, region, principal_arn, created_at) VALUES (@account, @region, @arn, @at)
            ON CONFLICT (account_id, region, principal_arn) DO NOTHING
            """,
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@arn", principalArn), ("@at", createdAt.ToUnixTimeMilliseconds())).ConfigureAwait(false) > 0;

    public async ValueTask<bool> DeregisterAsync(string principalArn, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "DELETE FROM pull_time_update_exclusions WHERE account_id = @account AND region = @region AND principal_arn = @arn",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@arn", principalArn)).ConfigureAwait(false) > 0;

    public async ValueTask<Page<string>> ListAsync(PageRequest page, CancellationToken cancellationToken) =>
        await database.PageAsync(
            """
            SELECT principal_arn FROM pull_time_update_exclusions
            WHERE account_id = @account AND region = @region AND (@after IS NULL OR principal_arn > @after)
            ORDER BY principal_arn LIMIT @limit
            """,
            page.Limit, cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@after", page.After), ("@limit", page.Limit + 1)).ConfigureAwait(false);

    public async ValueTask<int> CountAsync(CancellationToken cancellationToken) =>
        Convert.ToInt32(await database.ScalarAsync(
            "SELECT COUNT(*) FROM pull_time_update_exclusions WHERE account_id = @account AND region = @region",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask<bool> IsExcludedAsync(IReadOnlyList<string> principalArns, CancellationToken cancellationToken)
    {
        foreach (var arn in principalArns)
        {
            if (await database.ScalarAsync(
                    "SELECT 1 FROM pull_time_update_exclusions WHERE account_id = @account AND region = @region AND principal_arn = @arn",
                    cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@arn", arn)).ConfigureAwait(false) is not null)
            {
                return true;
            }
        }

        return false;
    }
}
