using Berth.Core.Registries;
using System.Text.Json;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

internal sealed class SqliteRepositoryStore(SqliteDatabase database, RegistryIdentity registry) : IRepositoryStore
{
    private const string SettingsColumns = "id, image_tag_mutability, mutability_exclusions, scan_on_push, encryption_type, kms_key, created_at";

    public async ValueTask<bool> ExistsAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.FindRepositoryIdAsync(registry, repository.Value, cancellationToken).ConfigureAwait(false) is not null;
    }

    public async ValueTask<Repository?> FindAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {SettingsColumns} FROM repositories WHERE account_id = $account AND region = $region AND name = $name", ("$account", registry.AccountId), ("$region", registry.Region), ("$name", repository.Value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new Repository(repository.Value, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)), ReadSettings(reader));
    }

    public async ValueTask<bool> CreateAsync(
        RepositoryName repository, RepositorySettings settings, IReadOnlyList<KeyValuePair<string, string>> tags, string? policyText, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO repositories (account_id, region, name, created_at, image_tag_mutability, mutability_exclusions, scan_on_push, encryption_type, kms_key, policy_text)
            VALUES ($account, $region, $name, $created, $mutability, $exclusions, $scan, $encryption, $kms, $policy)
            ON CONFLICT (account_id, region, name) DO NOTHING
            """,
            cancellationToken, [("$account", registry.AccountId), ("$region", registry.Region), ("$name", repository.Value), ("$created", createdAt.ToUnixTimeMilliseconds()), ("$policy", policyText), .. SettingsParameters(settings)]).ConfigureAwait(false);
        if (inserted == 0)
        {
            return false;
        }

        var id = (long)(await connection.ScalarAsync("SELECT last_insert_rowid()", cancellationToken).ConfigureAwait(false))!;
        await SetTagsAsync(connection, id, tags, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<RepositoryDeletion> DeleteAsync(RepositoryName repository, bool force, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        var id = await connection.FindRepositoryIdAsync(registry, repository.Value, cancellationToken).ConfigureAwait(false);
        if (id is null)
        {
            return RepositoryDeletion.NotFound;
        }

        if (!force && await connection.ScalarAsync("SELECT 1 FROM manifests WHERE repository_id = $id LIMIT 1", cancellationToken, ("$id", id)).ConfigureAwait(false) is not null)
        {
            return RepositoryDeletion.NotEmpty;
        }

        // Manifests, tags, references, blob links and resource tags go with it (ON DELETE CASCADE).
        await connection.ExecuteAsync("DELETE FROM repositories WHERE id = $id", cancellationToken, ("$id", id)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return RepositoryDeletion.Deleted;
    }

    public async ValueTask<bool> UpdateSettingsAsync(RepositoryName repository, RepositorySettings settings, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.ExecuteAsync(
            """
            UPDATE repositories SET image_tag_mutability = $mutability, mutability_exclusions = $exclusions, scan_on_push = $scan,
                encryption_type = $encryption, kms_key = $kms
            WHERE account_id = $account AND region = $region AND name = $name
            """,
            cancellationToken, [("$account", registry.AccountId), ("$region", registry.Region), ("$name", repository.Value), .. SettingsParameters(settings)]).ConfigureAwait(false);
        return rows > 0;
    }

    public async ValueTask<Page<string>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "SELECT name FROM repositories WHERE account_id = $account AND region = $region AND ($after IS NULL OR name > $after) ORDER BY name LIMIT $limit",
            ("$account", registry.AccountId), ("$region", registry.Region), ("$after", page.After), ("$limit", page.Limit + 1));
        return await SqlitePaging.ReadPageAsync(command, page.Limit, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<KeyValuePair<string, string>>?> GetTagsAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = await connection.FindRepositoryIdAsync(registry, repository.Value, cancellationToken).ConfigureAwait(false);
        if (id is null)
        {
            return null;
        }

        await using var command = connection.Command("SELECT key, value FROM repository_tags WHERE repository_id = $id ORDER BY key", ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tags = new List<KeyValuePair<string, string>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tags.Add(new(reader.GetString(0), reader.GetString(1)));
        }

        return tags;
    }

    public async ValueTask<bool> UpdateTagsAsync(
        RepositoryName repository, IReadOnlyList<KeyValuePair<string, string>> upsert, IReadOnlyList<string> remove, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction();
        var id = await connection.FindRepositoryIdAsync(registry, repository.Value, cancellationToken).ConfigureAwait(false);
        if (id is null)
        {
            return false;
        }

        await SetTagsAsync(connection, id.Value, upsert, cancellationToken).ConfigureAwait(false);
        foreach (var key in remove)
        {
            await connection.ExecuteAsync("DELETE FROM repository_tags WHERE repository_id = $id AND key = $key", cancellationToken, ("$id", id), ("$key", key)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<RepositoryPolicyLookup?> GetPolicyAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "SELECT policy_text FROM repositories WHERE account_id = $account AND region = $region AND name = $name",
            ("$account", registry.AccountId), ("$region", registry.Region), ("$name", repository.Value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new RepositoryPolicyLookup(reader.IsDBNull(0) ? null : reader.GetString(0));
    }

    public async ValueTask<bool> SetPolicyAsync(RepositoryName repository, string? policyText, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.ExecuteAsync(
            "UPDATE repositories SET policy_text = $policy WHERE account_id = $account AND region = $region AND name = $name",
            cancellationToken, ("$account", registry.AccountId), ("$region", registry.Region), ("$name", repository.Value), ("$policy", policyText)).ConfigureAwait(false);
        return rows > 0;
    }

    /// <summary>The id and settings of a repository inside the caller's transaction, or null.</summary>
    internal static async Task<(long Id, RepositorySettings Settings)?> ReadSettingsAsync(SqliteConnection connection, RegistryIdentity registry, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT {SettingsColumns} FROM repositories WHERE account_id = $account AND region = $region AND name = $name", ("$account", registry.AccountId), ("$region", registry.Region), ("$name", name));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), ReadSettings(reader)) : null;
    }

    private static RepositorySettings ReadSettings(SqliteDataReader reader) => new(
        reader.GetString(1),
        reader.IsDBNull(2) ? [] : JsonSerializer.Deserialize<List<ExclusionRow>>(reader.GetString(2))!.Select(e => new TagMutabilityExclusion(e.FilterType, e.Filter)).ToList(),
        reader.GetInt64(3) != 0,
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5));

    private static (string, object?)[] SettingsParameters(RepositorySettings settings) =>
    [
        ("$mutability", settings.ImageTagMutability),
        ("$exclusions", settings.MutabilityExclusions.Count == 0 ? null : JsonSerializer.Serialize(settings.MutabilityExclusions.Select(e => new ExclusionRow(e.FilterType, e.Filter)))),
        ("$scan", settings.ScanOnPush ? 1 : 0),
        ("$encryption", settings.EncryptionType),
        ("$kms", settings.KmsKey),
    ];

    private static async Task SetTagsAsync(SqliteConnection connection, long id, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in tags)
        {
            await connection.ExecuteAsync(
                "INSERT INTO repository_tags (repository_id, key, value) VALUES ($id, $key, $value) ON CONFLICT (repository_id, key) DO UPDATE SET value = excluded.value",
                cancellationToken, ("$id", id), ("$key", key), ("$value", value)).ConfigureAwait(false);
        }
    }

    private sealed record ExclusionRow(string FilterType, string Filter);
}
