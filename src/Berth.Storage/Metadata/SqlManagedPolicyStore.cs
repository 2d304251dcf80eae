using System.Globalization;
using Berth.Core.Iam;
using Berth.Core.Paging;
using System.Data.Common;

namespace Berth.Storage.Metadata;

/// <summary>
/// Customer managed policies, their versions and attachments. Check-then-write transactions take the policy's and the
/// entity's locks (<see cref="DbCommands.PolicyLock"/>, <see cref="DbCommands.IamEntityLock"/>), so version and
/// attachment quotas and "delete only when unused" hold across nodes.
/// </summary>
internal sealed class SqlManagedPolicyStore(MetadataDatabase database) : IManagedPolicyStore
{
    private const string Columns =
        "p.arn, p.name, p.id, p.path, p.default_version, p.description, p.created_at, p.updated_at, " +
        "(SELECT CAST(count(*) AS INTEGER) FROM iam_attachments a WHERE a.policy_arn = p.arn)";

    public async ValueTask<bool> CreateAsync(string accountId, ManagedPolicy policy, string document, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var created = policy.CreatedAt.ToUnixTimeMilliseconds();
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO iam_policies (arn, account_id, id, name, path, description, default_version, next_version, created_at, updated_at)
            VALUES (@arn, @account, @id, @name, @path, @description, 'v1', 2, @created, @created) ON CONFLICT DO NOTHING
            """,
            cancellationToken, ("@arn", policy.Arn), ("@account", accountId), ("@id", policy.Id), ("@name", policy.Name), ("@path", policy.Path),
            ("@description", policy.Description), ("@created", created)).ConfigureAwait(false);
        if (inserted == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(
            "INSERT INTO iam_policy_versions (policy_arn, version_id, document, created_at) VALUES (@arn, 'v1', @doc, @created)",
            cancellationToken, ("@arn", policy.Arn), ("@doc", document), ("@created", created)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<ManagedPolicy?> FindAsync(string arn, CancellationToken cancellationToken) =>
        await database.FirstAsync($"SELECT {Columns} FROM iam_policies p WHERE p.arn = @arn", Read, cancellationToken, ("@arn", arn)).ConfigureAwait(false);

    public async ValueTask<Page<ManagedPolicy>> ListAsync(string accountId, string pathPrefix, bool onlyAttached, PageRequest page, CancellationToken cancellationToken) =>
        await database.PageAsync(
            $"""
            SELECT {Columns} FROM iam_policies p
            WHERE p.account_id = @account AND substr(p.path, 1, length(@prefix)) = @prefix AND (@after IS NULL OR p.name > @after)
                AND (NOT @attached OR EXISTS (SELECT 1 FROM iam_attachments a WHERE a.policy_arn = p.arn))
            ORDER BY p.name LIMIT @limit
            """,
            page.Limit, Read, cancellationToken, ("@account", accountId), ("@prefix", pathPrefix), ("@after", page.After), ("@attached", onlyAttached), ("@limit", page.Limit + 1)).ConfigureAwait(false);

    public async ValueTask<IamDeleteOutcome> DeleteAsync(string arn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.LockKeysAsync(connection, cancellationToken, DbCommands.PolicyLock(arn)).ConfigureAwait(false);
        if (await connection.ScalarAsync("SELECT 1 FROM iam_attachments WHERE policy_arn = @arn LIMIT 1", cancellationToken, ("@arn", arn)).ConfigureAwait(false) is not null)
        {
            return IamDeleteOutcome.IsAttached;
        }

        if ((long)(await connection.ScalarAsync("SELECT count(*) FROM iam_policy_versions WHERE policy_arn = @arn", cancellationToken, ("@arn", arn)).ConfigureAwait(false))! > 1)
        {
            return IamDeleteOutcome.HasVersions;
        }

        var deleted = await connection.ExecuteAsync("DELETE FROM iam_policies WHERE arn = @arn", cancellationToken, ("@arn", arn)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0 ? IamDeleteOutcome.Deleted : IamDeleteOutcome.NotFound;
    }

    public async ValueTask<string?> AddVersionAsync(string arn, string document, bool setAsDefault, int maxVersions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.LockKeysAsync(connection, cancellationToken, DbCommands.PolicyLock(arn)).ConfigureAwait(false);
        var count = (long)(await connection.ScalarAsync("SELECT count(*) FROM iam_policy_versions WHERE policy_arn = @arn", cancellationToken, ("@arn", arn)).ConfigureAwait(false))!;
        var next = await connection.ScalarAsync("SELECT next_version FROM iam_policies WHERE arn = @arn", cancellationToken, ("@arn", arn)).ConfigureAwait(false);
        if (count >= maxVersions || next is null)
        {
            return null;
        }

        var versionId = "v" + Convert.ToInt64(next, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(
            "INSERT INTO iam_policy_versions (policy_arn, version_id, document, created_at) VALUES (@arn, @v, @doc, @now)",
            cancellationToken, ("@arn", arn), ("@v", versionId), ("@doc", document), ("@now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE iam_policies SET next_version = next_version + 1, updated_at = @now, default_version = CASE WHEN @default THEN @v ELSE default_version END WHERE arn = @arn",
            cancellationToken, ("@arn", arn), ("@v", versionId), ("@default", setAsDefault), ("@now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return versionId;
    }

    public async ValueTask<PolicyVersion?> FindVersionAsync(string arn, string versionId, CancellationToken cancellationToken)
    {
        var versions = await QueryVersionsAsync(arn, versionId, cancellationToken).ConfigureAwait(false);
        return versions.Count == 0 ? null : versions[0];
    }

    public async ValueTask<IReadOnlyList<PolicyVersion>> ListVersionsAsync(string arn, CancellationToken cancellationToken) =>
        await QueryVersionsAsync(arn, null, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IamDeleteOutcome> DeleteVersionAsync(string arn, string versionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.LockKeysAsync(connection, cancellationToken, DbCommands.PolicyLock(arn)).ConfigureAwait(false);
        if (await connection.ScalarAsync("SELECT 1 FROM iam_policies WHERE arn = @arn AND default_version = @v", cancellationToken, ("@arn", arn), ("@v", versionId)).ConfigureAwait(false) is not null)
        {
            return IamDeleteOutcome.IsDefaultVersion;
        }

        var deleted = await connection.ExecuteAsync("DELETE FROM iam_policy_versions WHERE policy_arn = @arn AND version_id = @v", cancellationToken, ("@arn", arn), ("@v", versionId)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0 ? IamDeleteOutcome.Deleted : IamDeleteOutcome.NotFound;
    }

    public async ValueTask<bool> AttachAsync(IamEntity entity, string policyArn, int maxAttached, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.LockKeysAsync(connection, cancellationToken, DbCommands.IamEntityLock(entity.Id), DbCommands.PolicyLock(policyArn)).ConfigureAwait(false);
        var attached = await connection.ScalarAsync("SELECT 1 FROM iam_attachments WHERE entity_id = @id AND policy_arn = @arn", cancellationToken, ("@id", entity.Id), ("@arn", policyArn)).ConfigureAwait(false) is not null;
        var count = (long)(await connection.ScalarAsync("SELECT count(*) FROM iam_attachments WHERE entity_id = @id", cancellationToken, ("@id", entity.Id)).ConfigureAwait(false))!;
        if (!attached && count >= maxAttached)
        {
            return false;
        }

        await connection.ExecuteAsync("INSERT INTO iam_attachments (entity_id, policy_arn) VALUES (@id, @arn) ON CONFLICT DO NOTHING", cancellationToken, ("@id", entity.Id), ("@arn", policyArn)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> DetachAsync(IamEntity entity, string policyArn, CancellationToken cancellationToken) =>
        await database.ExecuteAsync("DELETE FROM iam_attachments WHERE entity_id = @id AND policy_arn = @arn", cancellationToken, ("@id", entity.Id), ("@arn", policyArn)).ConfigureAwait(false) > 0;

    public async ValueTask<IReadOnlyList<string>> ListAttachedAsync(IamEntity entity, CancellationToken cancellationToken) =>
        (await database.PageAsync(
            "SELECT policy_arn FROM iam_attachments WHERE entity_id = @id ORDER BY policy_arn", PageRequest.MaxLimit, cancellationToken, ("@id", entity.Id)).ConfigureAwait(false)).Items;

    public async ValueTask<int> CountAttachmentsAsync(string accountId, string policyArn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (int)(long)(await connection.ScalarAsync(
            "SELECT count(*) FROM iam_attachments a JOIN iam_entities e ON e.id = a.entity_id WHERE a.policy_arn = @arn AND e.account_id = @account",
            cancellationToken, ("@arn", policyArn), ("@account", accountId)).ConfigureAwait(false))!;
    }

    private async Task<List<PolicyVersion>> QueryVersionsAsync(string arn, string? versionId, CancellationToken cancellationToken) =>
        await database.ListAsync(
            """
            SELECT v.version_id, v.document, v.version_id = p.default_version, v.created_at
            FROM iam_policy_versions v JOIN iam_policies p ON p.arn = v.policy_arn
            WHERE v.policy_arn = @arn AND (@v IS NULL OR v.version_id = @v)
            ORDER BY CAST(substr(v.version_id, 2) AS INTEGER) DESC
            """,
            r => new PolicyVersion(r.GetString(0), r.GetString(1), r.GetBoolean(2), r.Time(3)),
            cancellationToken, ("@arn", arn), ("@v", versionId)).ConfigureAwait(false);

    private static ManagedPolicy Read(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.NullableString(5), reader.Time(6), reader.Time(7), reader.GetInt32(8));
}
