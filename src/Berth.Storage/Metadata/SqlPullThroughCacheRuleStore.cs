using System.Data.Common;
using Berth.Core.Paging;
using Berth.Core.PullThroughCache;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>Pull through cache rules in the table <c>pull_through_cache_rules</c>, one row per (account, region, prefix).</summary>
internal sealed class SqlPullThroughCacheRuleStore(MetadataDatabase database, RegistryIdentity registry) : IPullThroughCacheRuleStore
{
    private const string Columns = "prefix, upstream_url, upstream_registry, credential_arn, custom_role_arn, upstream_prefix, created_at, updated_at";

    public async ValueTask<PullThroughCacheRule?> FindAsync(string prefix, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"SELECT {Columns} FROM pull_through_cache_rules WHERE account_id = @account AND region = @region AND prefix = @prefix",
            Read, cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@prefix", prefix)).ConfigureAwait(false);

    public async ValueTask<RuleCreation> CreateAsync(PullThroughCacheRule rule, int maxRules, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Two nodes creating rules in one registry count one after the other.
        await database.LockKeysAsync(connection, cancellationToken, $"pull-through-cache-rules:{registry.AccountId}:{registry.Region}").ConfigureAwait(false);
        var count = Convert.ToInt64(await connection.ScalarAsync(
            "SELECT count(*) FROM pull_through_cache_rules WHERE account_id = @account AND region = @region",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        var inserted = await connection.ExecuteAsync(
            $"""
            INSERT INTO pull_through_cache_rules (account_id, region, {Columns})
            VALUES (@account, @region, @prefix, @url, @kind, @credential, @role, @upstreamPrefix, @created, @updated)
            ON CONFLICT (account_id, region, prefix) DO NOTHING
            """,
            cancellationToken, Parameters(rule)).ConfigureAwait(false);
        if (inserted == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return RuleCreation.AlreadyExists;
        }

        if (count >= maxRules)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return RuleCreation.LimitReached;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return RuleCreation.Created;
    }

    public async ValueTask<bool> UpdateAsync(PullThroughCacheRule rule, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            UPDATE pull_through_cache_rules SET credential_arn = @credential, custom_role_arn = @role, updated_at = @updated
            WHERE account_id = @account AND region = @region AND prefix = @prefix
            """,
            cancellationToken, Parameters(rule)).ConfigureAwait(false) > 0;

    public async ValueTask<bool> DeleteAsync(string prefix, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "DELETE FROM pull_through_cache_rules WHERE account_id = @account AND region = @region AND prefix = @prefix",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@prefix", prefix)).ConfigureAwait(false) > 0;

    public async ValueTask<Page<PullThroughCacheRule>> ListAsync(PageRequest page, CancellationToken cancellationToken) =>
        await database.PageAsync(
            $"SELECT {Columns} FROM pull_through_cache_rules WHERE account_id = @account AND region = @region AND (@after IS NULL OR prefix > @after) ORDER BY prefix LIMIT @limit",
            page.Limit, Read, cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@after", page.After), ("@limit", page.Limit + 1)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<PullThroughCacheRule>> ListAllAsync(CancellationToken cancellationToken) =>
        await database.ListAsync(
            $"SELECT {Columns} FROM pull_through_cache_rules WHERE account_id = @account AND region = @region",
            Read, cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false);

    private (string, object?)[] Parameters(PullThroughCacheRule rule) =>
    [
        ("@account", registry.AccountId), ("@region", registry.Region), ("@prefix", rule.EcrRepositoryPrefix), ("@url", rule.UpstreamRegistryUrl),
        ("@kind", rule.UpstreamRegistry), ("@credential", rule.CredentialArn), ("@role", rule.CustomRoleArn), ("@upstreamPrefix", rule.UpstreamRepositoryPrefix),
        ("@created", rule.CreatedAt.ToUnixTimeMilliseconds()), ("@updated", rule.UpdatedAt.ToUnixTimeMilliseconds()),
    ];

    private static PullThroughCacheRule Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.NullableString(2),
        reader.NullableString(3),
        reader.NullableString(4),
        reader.GetString(5),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)));
}
