using Berth.Core.Iam;
using Berth.Core.Paging;
using System.Data.Common;

namespace Berth.Storage.Metadata;

/// <summary>
/// Users, groups and roles. Names compare case-insensitively as lower(name) (IAM names are ASCII): SQLite's COLLATE
/// NOCASE columns and PostgreSQL's unique indexes on lower(name) agree on it. Check-then-write transactions take the
/// entity's lock (<see cref="DbCommands.IamEntityLock"/>), so quotas and "delete only when unused" hold across nodes.
/// </summary>
internal sealed class SqlIamEntityStore(MetadataDatabase database) : IIamEntityStore
{
    private const string Columns = "account_id, kind, name, id, path, created_at, description, trust_policy, max_session_duration";

    public async ValueTask<bool> CreateAsync(IamEntity entity, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"""
            INSERT INTO iam_entities ({Columns}, arn) VALUES (@account, @kind, @name, @id, @path, @created, @description, @trust, CAST(@max AS INTEGER), @arn)
            ON CONFLICT DO NOTHING
            """,
            cancellationToken, ("@account", entity.AccountId), ("@kind", IamEntity.KindWord(entity.Kind)), ("@name", entity.Name), ("@id", entity.Id),
            ("@path", entity.Path), ("@created", entity.CreatedAt.ToUnixTimeMilliseconds()), ("@description", entity.Description),
            ("@trust", entity.TrustPolicy), ("@max", entity.MaxSessionDuration), ("@arn", entity.Arn)).ConfigureAwait(false) > 0;

    public async ValueTask<IamEntity?> FindAsync(string accountId, IamEntityKind kind, string name, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"SELECT {Columns} FROM iam_entities WHERE account_id = @account AND kind = @kind AND lower(name) = lower(@name)",
            Read, cancellationToken, ("@account", accountId), ("@kind", IamEntity.KindWord(kind)), ("@name", name)).ConfigureAwait(false);

    public async ValueTask<IamEntity?> FindByArnAsync(string arn, CancellationToken cancellationToken) =>
        await database.FirstAsync($"SELECT {Columns} FROM iam_entities WHERE arn = @arn", Read, cancellationToken, ("@arn", arn)).ConfigureAwait(false);

    public async ValueTask<Page<IamEntity>> ListAsync(string accountId, IamEntityKind kind, string pathPrefix, PageRequest page, CancellationToken cancellationToken) =>
        await database.PageAsync(
            $"""
            SELECT {Columns} FROM iam_entities
            WHERE account_id = @account AND kind = @kind AND substr(path, 1, length(@prefix)) = @prefix
                AND (@after IS NULL OR lower(name) > lower(@after))
            ORDER BY lower(name) LIMIT @limit
            """,
            page.Limit, Read, cancellationToken, ("@account", accountId), ("@kind", IamEntity.KindWord(kind)), ("@prefix", pathPrefix), ("@after", page.After), ("@limit", page.Limit + 1)).ConfigureAwait(false);

    public async ValueTask<IamDeleteOutcome> DeleteAsync(IamEntity entity, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Keys, policies and memberships are added under the same locks, so none appears between the checks and the delete.
        await database.LockKeysAsync(connection, cancellationToken, DbCommands.IamEntityLock(entity.Id), DbCommands.AccessKeysLock(entity.Arn)).ConfigureAwait(false);
        var checks = new (string Sql, IamDeleteOutcome Outcome)[]
        {
            ("SELECT 1 FROM access_keys WHERE principal_arn = @arn", IamDeleteOutcome.HasAccessKeys),
            ("SELECT 1 FROM iam_attachments WHERE entity_id = @id", IamDeleteOutcome.HasAttachedPolicies),
            ("SELECT 1 FROM iam_inline_policies WHERE entity_id = @id", IamDeleteOutcome.HasInlinePolicies),
            ("SELECT 1 FROM iam_group_members WHERE user_id = @id", IamDeleteOutcome.HasGroups),
            ("SELECT 1 FROM iam_group_members WHERE group_id = @id", IamDeleteOutcome.HasMembers),
        };
        foreach (var (sql, outcome) in checks)
        {
            var parameter = sql.Contains("@arn", StringComparison.Ordinal) ? ("@arn", (object?)entity.Arn) : ("@id", entity.Id);
            if (await connection.ScalarAsync(sql + " LIMIT 1", cancellationToken, parameter).ConfigureAwait(false) is not null)
            {
                return outcome;
            }
        }

        var deleted = await connection.ExecuteAsync("DELETE FROM iam_entities WHERE id = @id", cancellationToken, ("@id", entity.Id)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0 ? IamDeleteOutcome.Deleted : IamDeleteOutcome.NotFound;
    }

    public async ValueTask<bool> AddMemberAsync(IamEntity group, IamEntity user, int maxGroups, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.LockKeysAsync(connection, cancellationToken, DbCommands.IamEntityLock(group.Id), DbCommands.IamEntityLock(user.Id)).ConfigureAwait(false);
        var isMember = await connection.ScalarAsync("SELECT 1 FROM iam_group_members WHERE group_id = @g AND user_id = @u", cancellationToken, ("@g", group.Id), ("@u", user.Id)).ConfigureAwait(false) is not null;
        var count = (long)(await connection.ScalarAsync("SELECT count(*) FROM iam_group_members WHERE user_id = @u", cancellationToken, ("@u", user.Id)).ConfigureAwait(false))!;
        if (!isMember && count >= maxGroups)
        {
            return false;
        }

        await connection.ExecuteAsync(
            "INSERT INTO iam_group_members (group_id, user_id, added_at) VALUES (@g, @u, @now) ON CONFLICT DO NOTHING",
            cancellationToken, ("@g", group.Id), ("@u", user.Id), ("@now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> RemoveMemberAsync(IamEntity group, IamEntity user, CancellationToken cancellationToken) =>
        await database.ExecuteAsync("DELETE FROM iam_group_members WHERE group_id = @g AND user_id = @u", cancellationToken, ("@g", group.Id), ("@u", user.Id))
            .ConfigureAwait(false) > 0;

    public async ValueTask<IReadOnlyList<IamEntity>> ListGroupsForUserAsync(IamEntity user, CancellationToken cancellationToken) =>
        await ListJoinedAsync("e.id = m.group_id WHERE m.user_id = @id", user.Id, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<IamEntity>> ListMembersAsync(IamEntity group, CancellationToken cancellationToken) =>
        await ListJoinedAsync("e.id = m.user_id WHERE m.group_id = @id", group.Id, cancellationToken).ConfigureAwait(false);

    public async ValueTask PutInlinePolicyAsync(IamEntity entity, string policyName, string document, CancellationToken cancellationToken)
    {
        // Under the entity's lock, so the update-or-insert is one step (the two engines key the name differently).
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.LockKeysAsync(connection, cancellationToken, DbCommands.IamEntityLock(entity.Id)).ConfigureAwait(false);
        if (await connection.ExecuteAsync(
            "UPDATE iam_inline_policies SET document = @doc WHERE entity_id = @id AND lower(name) = lower(@name)",
            cancellationToken, ("@id", entity.Id), ("@name", policyName), ("@doc", document)).ConfigureAwait(false) == 0)
        {
            await connection.ExecuteAsync(
                "INSERT INTO iam_inline_policies (entity_id, name, document) VALUES (@id, @name, @doc)",
                cancellationToken, ("@id", entity.Id), ("@name", policyName), ("@doc", document)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<(string Name, string Document)?> FindInlinePolicyAsync(IamEntity entity, string policyName, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            "SELECT name, document FROM iam_inline_policies WHERE entity_id = @id AND lower(name) = lower(@name)",
            r => ((string Name, string Document)?)(r.GetString(0), r.GetString(1)),
            cancellationToken, ("@id", entity.Id), ("@name", policyName)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<(string Name, string Document)>> ListInlinePoliciesAsync(IamEntity entity, CancellationToken cancellationToken) =>
        await database.ListAsync(
            "SELECT name, document FROM iam_inline_policies WHERE entity_id = @id ORDER BY lower(name)",
            r => (r.GetString(0), r.GetString(1)),
            cancellationToken, ("@id", entity.Id)).ConfigureAwait(false);

    public async ValueTask<bool> DeleteInlinePolicyAsync(IamEntity entity, string policyName, CancellationToken cancellationToken) =>
        await database.ExecuteAsync("DELETE FROM iam_inline_policies WHERE entity_id = @id AND lower(name) = lower(@name)", cancellationToken, ("@id", entity.Id), ("@name", policyName))
            .ConfigureAwait(false) > 0;

    private async Task<List<IamEntity>> ListJoinedAsync(string join, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var columns = string.Join(", ", Columns.Split(", ").Select(c => "e." + c));
        return await connection.ListAsync($"SELECT {columns} FROM iam_group_members m JOIN iam_entities e ON {join} ORDER BY lower(e.name)", Read, cancellationToken, ("@id", id)).ConfigureAwait(false);
    }

    private static IamEntity Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1) switch { "user" => IamEntityKind.User, "group" => IamEntityKind.Group, _ => IamEntityKind.Role },
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.Time(5),
        reader.NullableString(6),
        reader.NullableString(7),
        reader.IsDBNull(8) ? null : reader.GetInt32(8));
}
