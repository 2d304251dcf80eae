using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Registries;
using Berth.Core.Repositories;

namespace Berth.Storage.Metadata;

internal sealed class SqlRepositoryStore(MetadataDatabase database, RegistryIdentity registry) : IRepositoryStore
{
    private const string SettingsColumns = "id, image_tag_mutability, mutability_exclusions, scan_on_push, encryption_type, kms_key, created_at";
    private const string ByName = "account_id = @account AND region = @region AND name = @name";

    public async ValueTask<bool> ExistsAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.FindRepositoryIdAsync(registry, repository.Value, cancellationToken).ConfigureAwait(false) is not null;
    }

    public async ValueTask<Repository?> FindAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"SELECT {SettingsColumns} FROM repositories WHERE {ByName}",
            r => new Repository(repository.Value, r.Time(6), ReadSettings(r)),
            cancellationToken, Name(repository.Value)).ConfigureAwait(false);

    public async ValueTask<bool> CreateAsync(
        RepositoryName repository, RepositorySettings settings, IReadOnlyList<KeyValuePair<string, string>> tags, string? policyText, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // A concurrent create of the same name waits for this one and then inserts nothing.
        var id = (long?)await connection.ScalarAsync(
            """
            INSERT INTO repositories (account_id, region, name, created_at, image_tag_mutability, mutability_exclusions, scan_on_push, encryption_type, kms_key, policy_text)
            VALUES (@account, @region, @name, @created, @mutability, @exclusions, @scan, @encryption, @kms, @policy)
            ON CONFLICT (account_id, region, name) DO NOTHING
            RETURNING id
            """,
            cancellationToken, [.. Name(repository.Value), ("@created", createdAt.ToUnixTimeMilliseconds()), ("@policy", policyText), .. SettingsParameters(settings)]).ConfigureAwait(false);
        if (id is null)
        {
            return false;
        }

        await SetTagsAsync(connection, id.Value, tags, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<RepositoryDeletion> DeleteAsync(RepositoryName repository, bool force, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // FOR UPDATE waits for manifest puts in flight and keeps new blob links out until the rows are gone.
        var id = await connection.FindRepositoryIdAsync(registry, repository.Value, cancellationToken, database.ForUpdate).ConfigureAwait(false);
        if (id is null)
        {
            return RepositoryDeletion.NotFound;
        }

        if (!force && await connection.ScalarAsync("SELECT 1 FROM manifests WHERE repository_id = @id LIMIT 1", cancellationToken, ("@id", id)).ConfigureAwait(false) is not null)
        {
            return RepositoryDeletion.NotEmpty;
        }

        // Manifests, tags, references, blob links and resource tags go with it (ON DELETE CASCADE).
        await connection.ExecuteAsync("DELETE FROM repositories WHERE id = @id", cancellationToken, ("@id", id)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return RepositoryDeletion.Deleted;
    }

    public async ValueTask<bool> UpdateSettingsAsync(RepositoryName repository, RepositorySettings settings, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"""
            UPDATE repositories SET image_tag_mutability = @mutability, mutability_exclusions = @exclusions, scan_on_push = @scan,
                encryption_type = @encryption, kms_key = @kms
            WHERE {ByName}
            """,
            cancellationToken, [.. Name(repository.Value), .. SettingsParameters(settings)]).ConfigureAwait(false) > 0;

    // name > COALESCE(@after, '') rather than (@after IS NULL OR name > @after): a plain range the planner seeks to in
    // the (account_id, region, name) index, so the last page costs what the first does (no name is empty).
    public async ValueTask<Page<Repository>> ListAsync(PageRequest page, CancellationToken cancellationToken) =>
        await database.PageAsync(
            $"SELECT {SettingsColumns}, name FROM repositories WHERE account_id = @account AND region = @region AND name > COALESCE(@after, '') ORDER BY name LIMIT @limit",
            page.Limit, r => new Repository(r.GetString(7), r.Time(6), ReadSettings(r)), cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@after", page.After), ("@limit", page.Limit + 1)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<KeyValuePair<string, string>>?> GetTagsAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = await connection.FindRepositoryIdAsync(registry, repository.Value, cancellationToken).ConfigureAwait(false);
        return id is null ? null : await connection.ListAsync(
            "SELECT key, value FROM repository_tags WHERE repository_id = @id ORDER BY key",
            r => new KeyValuePair<string, string>(r.GetString(0), r.GetString(1)),
            cancellationToken, ("@id", id)).ConfigureAwait(false);
    }

    public async ValueTask<bool> UpdateTagsAsync(
        RepositoryName repository, IReadOnlyList<KeyValuePair<string, string>> upsert, IReadOnlyList<string> remove, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var id = await connection.LockRepositoryAsync(database, registry, repository.Value, cancellationToken).ConfigureAwait(false);
        if (id is null)
        {
            return false;
        }

        await SetTagsAsync(connection, id.Value, upsert, cancellationToken).ConfigureAwait(false);
        foreach (var key in remove)
        {
            await connection.ExecuteAsync("DELETE FROM repository_tags WHERE repository_id = @id AND key = @key", cancellationToken, ("@id", id), ("@key", key)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<RepositoryPolicyLookup?> GetPolicyAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"SELECT policy_text FROM repositories WHERE {ByName}", r => new RepositoryPolicyLookup(r.NullableString(0)), cancellationToken, Name(repository.Value)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyDictionary<string, string?>> GetPoliciesAsync(IReadOnlyList<RepositoryName> repositories, CancellationToken cancellationToken)
    {
        var policies = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var batch in repositories.Select(r => r.Value).Distinct(StringComparer.Ordinal).Chunk(IRepositoryStore.PolicyBatch))
        {
            var names = batch.Select((_, i) => "@n" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            var rows = await database.ListAsync(
                $"SELECT name, policy_text FROM repositories WHERE account_id = @account AND region = @region AND name IN ({string.Join(", ", names)})",
                r => (Name: r.GetString(0), Policy: r.NullableString(1)), cancellationToken,
                [.. batch.Select((n, i) => (names[i], (object?)n)), ("@account", registry.AccountId), ("@region", registry.Region)]).ConfigureAwait(false);
            foreach (var (name, policy) in rows)
            {
                policies[name] = policy;
            }
        }

        return policies;
    }

    public async ValueTask<bool> SetPolicyAsync(RepositoryName repository, string? policyText, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"UPDATE repositories SET policy_text = @policy WHERE {ByName}", cancellationToken, [.. Name(repository.Value), ("@policy", policyText)]).ConfigureAwait(false) > 0;

    /// <summary>
    /// The id and settings of a repository inside the caller's transaction, or null; the row stays locked as by
    /// <see cref="DbCommands.LockRepositoryAsync"/> until the transaction ends.
    /// </summary>
    internal static Task<(long Id, RepositorySettings Settings)?> LockSettingsAsync(DbConnection connection, MetadataDatabase database, RegistryIdentity registry, string name, CancellationToken cancellationToken) =>
        connection.FirstAsync<(long Id, RepositorySettings Settings)?>(
            $"SELECT {SettingsColumns} FROM repositories WHERE {ByName}{database.ForNoKeyUpdate}",
            r => (r.GetInt64(0), ReadSettings(r)),
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", name));

    private (string, object?)[] Name(string name) => [("@account", registry.AccountId), ("@region", registry.Region), ("@name", name)];

    private static RepositorySettings ReadSettings(DbDataReader reader) => new(
        reader.GetString(1),
        reader.IsDBNull(2) ? [] : JsonSerializer.Deserialize<List<ExclusionRow>>(reader.GetString(2))!.Select(e => new TagMutabilityExclusion(e.FilterType, e.Filter)).ToList(),
        reader.GetBoolean(3),
        reader.GetString(4),
        reader.NullableString(5));

    private static (string, object?)[] SettingsParameters(RepositorySettings settings) =>
    [
        ("@mutability", settings.ImageTagMutability),
        ("@exclusions", settings.MutabilityExclusions.Count == 0 ? null : JsonSerializer.Serialize(settings.MutabilityExclusions.Select(e => new ExclusionRow(e.FilterType, e.Filter)))),
        ("@scan", settings.ScanOnPush),
        ("@encryption", settings.EncryptionType),
        ("@kms", settings.KmsKey),
    ];

    private static async Task SetTagsAsync(DbConnection connection, long id, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in tags)
        {
            await connection.ExecuteAsync(
                "INSERT INTO repository_tags (repository_id, key, value) VALUES (@id, @key, @value) ON CONFLICT (repository_id, key) DO UPDATE SET value = excluded.value",
                cancellationToken, ("@id", id), ("@key", key), ("@value", value)).ConfigureAwait(false);
        }
    }

    private sealed record ExclusionRow(string FilterType, string Filter);
}
