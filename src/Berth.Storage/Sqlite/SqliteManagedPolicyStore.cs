using System.Globalization;
using Berth.Core.Iam;
using Berth.Core.Paging;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

internal sealed class SqliteManagedPolicyStore(SqliteDatabase database) : IManagedPolicyStore
{
    private const string Columns =
        "p.arn, p.name, p.id, p.path, p.default_version, p.description, p.created_at, p.updated_at, " +
        "(SELECT count(*) FROM iam_attachments a WHERE a.policy_arn = p.arn)";

    public async ValueTask<bool> CreateAsync(string accountId, ManagedPolicy policy, string document, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        var created = policy.CreatedAt.ToUnixTimeMilliseconds();
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO iam_policies (arn, account_id, id, name, path, description, default_version, next_version, created_at, updated_at)
            VALUES ($arn, $account, $id, $name, $path, $description, 'v1', 2, $created, $created) ON CONFLICT DO NOTHING
            """,
            cancellationToken, ("$arn", policy.Arn), ("$account", accountId), ("$id", policy.Id), ("$name", policy.Name), ("$path", policy.Path),
            ("$description", policy.Description), ("$created", created)).ConfigureAwait(false);
        if (inserted == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(
            "INSERT INTO iam_policy_versions (policy_arn, version_id, document, created_at) VALUES ($arn, 'v1', $doc, $created)",
            cancellationToken, ("$arn", policy.Arn), ("$doc", document), ("$created", created)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<ManagedPolicy?> FindAsync(string arn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM iam_policies p WHERE p.arn = $arn", ("$arn", arn));
        var items = await ReadAsync(command, cancellationToken).ConfigureAwait(false);
        return items.Count == 0 ? null : items[0];
    }

    public async ValueTask<Page<ManagedPolicy>> ListAsync(string accountId, string pathPrefix, bool onlyAttached, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"""
            SELECT {Columns} FROM iam_policies p
            WHERE p.account_id = $account AND substr(p.path, 1, length($prefix)) = $prefix AND ($after IS NULL OR p.name > $after)
                AND (NOT $attached OR EXISTS (SELECT 1 FROM iam_attachments a WHERE a.policy_arn = p.arn))
            ORDER BY p.name LIMIT $limit
            """,
            ("$account", accountId), ("$prefix", pathPrefix), ("$after", page.After), ("$attached", onlyAttached), ("$limit", page.Limit + 1));
        var items = await ReadAsync(command, cancellationToken).ConfigureAwait(false);
        return items.Count > page.Limit ? new Page<ManagedPolicy>(items[..page.Limit], true) : new Page<ManagedPolicy>(items, false);
    }

    public async ValueTask<IamDeleteOutcome> DeleteAsync(string arn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        if (await connection.ScalarAsync("SELECT 1 FROM iam_attachments WHERE policy_arn = $arn LIMIT 1", cancellationToken, ("$arn", arn)).ConfigureAwait(false) is not null)
        {
            return IamDeleteOutcome.IsAttached;
        }

        if ((long)(await connection.ScalarAsync("SELECT count(*) FROM iam_policy_versions WHERE policy_arn = $arn", cancellationToken, ("$arn", arn)).ConfigureAwait(false))! > 1)
        {
            return IamDeleteOutcome.HasVersions;
        }

        var deleted = await connection.ExecuteAsync("DELETE FROM iam_policies WHERE arn = $arn", cancellationToken, ("$arn", arn)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0 ? IamDeleteOutcome.Deleted : IamDeleteOutcome.NotFound;
    }

    public async ValueTask<string?> AddVersionAsync(string arn, string document, bool setAsDefault, int maxVersions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        var count = (long)(await connection.ScalarAsync("SELECT count(*) FROM iam_policy_versions WHERE policy_arn = $arn", cancellationToken, ("$arn", arn)).ConfigureAwait(false))!;
        var next = await connection.ScalarAsync("SELECT next_version FROM iam_policies WHERE arn = $arn", cancellationToken, ("$arn", arn)).ConfigureAwait(false);
        if (count >= maxVersions || next is null)
        {
            return null;
        }

        var versionId = "v" + ((long)next).ToString(CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(
            "INSERT INTO iam_policy_versions (policy_arn, version_id, document, created_at) VALUES ($arn, $v, $doc, $now)",
            cancellationToken, ("$arn", arn), ("$v", versionId), ("$doc", document), ("$now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE iam_policies SET next_version = next_version + 1, updated_at = $now, default_version = CASE WHEN $default THEN $v ELSE default_version END WHERE arn = $arn",
            cancellationToken, ("$arn", arn), ("$v", versionId), ("$default", setAsDefault), ("$now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
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
        await using var transaction = connection.BeginTransaction();
        if (await connection.ScalarAsync("SELECT 1 FROM iam_policies WHERE arn = $arn AND default_version = $v", cancellationToken, ("$arn", arn), ("$v", versionId)).ConfigureAwait(false) is not null)
        {
            return IamDeleteOutcome.IsDefaultVersion;
        }

        var deleted = await connection.ExecuteAsync("DELETE FROM iam_policy_versions WHERE policy_arn = $arn AND version_id = $v", cancellationToken, ("$arn", arn), ("$v", versionId)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0 ? IamDeleteOutcome.Deleted : IamDeleteOutcome.NotFound;
    }

    public async ValueTask<bool> AttachAsync(IamEntity entity, string policyArn, int maxAttached, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        var attached = await connection.ScalarAsync("SELECT 1 FROM iam_attachments WHERE entity_id = $id AND policy_arn = $arn", cancellationToken, ("$id", entity.Id), ("$arn", policyArn)).ConfigureAwait(false) is not null;
        var count = (long)(await connection.ScalarAsync("SELECT count(*) FROM iam_attachments WHERE entity_id = $id", cancellationToken, ("$id", entity.Id)).ConfigureAwait(false))!;
        if (!attached && count >= maxAttached)
        {
            return false;
        }

        await connection.ExecuteAsync("INSERT INTO iam_attachments (entity_id, policy_arn) VALUES ($id, $arn) ON CONFLICT DO NOTHING", cancellationToken, ("$id", entity.Id), ("$arn", policyArn)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> DetachAsync(IamEntity entity, string policyArn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync("DELETE FROM iam_attachments WHERE entity_id = $id AND policy_arn = $arn", cancellationToken, ("$id", entity.Id), ("$arn", policyArn)).ConfigureAwait(false) > 0;
    }

    public async ValueTask<IReadOnlyList<string>> ListAttachedAsync(IamEntity entity, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT policy_arn FROM iam_attachments WHERE entity_id = $id ORDER BY policy_arn", ("$id", entity.Id));
        return (await SqlitePaging.ReadPageAsync(command, PageRequest.MaxLimit, cancellationToken).ConfigureAwait(false)).Items;
    }

    public async ValueTask<int> CountAttachmentsAsync(string accountId, string policyArn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (int)(long)(await connection.ScalarAsync(
            "SELECT count(*) FROM iam_attachments a JOIN iam_entities e ON e.id = a.entity_id WHERE a.policy_arn = $arn AND e.account_id = $account",
            cancellationToken, ("$arn", policyArn), ("$account", accountId)).ConfigureAwait(false))!;
    }

    private async Task<List<PolicyVersion>> QueryVersionsAsync(string arn, string? versionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            SELECT v.version_id, v.document, v.version_id = p.default_version, v.created_at
            FROM iam_policy_versions v JOIN iam_policies p ON p.arn = v.policy_arn
            WHERE v.policy_arn = $arn AND ($v IS NULL OR v.version_id = $v)
            ORDER BY CAST(substr(v.version_id, 2) AS INTEGER) DESC
            """,
            ("$arn", arn), ("$v", versionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var versions = new List<PolicyVersion>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(new PolicyVersion(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return versions;
    }

    private static async Task<List<ManagedPolicy>> ReadAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var items = new List<ManagedPolicy>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new ManagedPolicy(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)), reader.GetInt32(8)));
        }

        return items;
    }
}
