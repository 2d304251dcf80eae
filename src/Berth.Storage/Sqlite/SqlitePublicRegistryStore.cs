using System.Text.Json;
using Berth.Core.Naming;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

/// <summary>Public registries and public repository catalog data in SQLite (tables of migration 0011_public).</summary>
internal sealed class SqlitePublicRegistryStore(SqliteDatabase database) : IPublicRegistryStore
{
    private const string Columns = "account_id, alias, display_name, created_at";

    public ValueTask<PublicRegistry?> FindAsync(string accountId, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM public_registries WHERE account_id = $value", accountId, cancellationToken);

    public ValueTask<PublicRegistry?> FindByAliasAsync(string registryAlias, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM public_registries WHERE alias = $value", registryAlias, cancellationToken);

    public async ValueTask<bool> TryCreateAsync(PublicRegistry registry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "INSERT INTO public_registries (account_id, alias, display_name, created_at) VALUES ($account, $alias, $display, $created) ON CONFLICT DO NOTHING",
            cancellationToken, ("$account", registry.AccountId), ("$alias", registry.Alias), ("$display", registry.DisplayName), ("$created", registry.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false) > 0;
    }

    public async ValueTask SetDisplayNameAsync(string accountId, string displayName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE public_registries SET display_name = $display WHERE account_id = $account", cancellationToken, ("$account", accountId), ("$display", displayName)).ConfigureAwait(false);
    }

    public async ValueTask<RepositoryCatalogData?> GetCatalogDataAsync(string accountId, RepositoryName repository, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            SELECT c.description, c.about_text, c.usage_text, c.architectures, c.operating_systems, c.logo
            FROM public_repository_catalog c JOIN repositories r ON r.id = c.repository_id
            WHERE r.account_id = $account AND r.region = $region AND r.name = $name
            """,
            ("$account", accountId), ("$region", RegistryIdentity.PublicRegion), ("$name", repository.Value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new RepositoryCatalogData(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            JsonSerializer.Deserialize<string[]>(reader.GetString(3))!,
            JsonSerializer.Deserialize<string[]>(reader.GetString(4))!,
            reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5));
    }

    public async ValueTask<bool> PutCatalogDataAsync(string accountId, RepositoryName repository, RepositoryCatalogData data, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            """
            INSERT INTO public_repository_catalog (repository_id, description, about_text, usage_text, architectures, operating_systems, logo)
            SELECT id, $description, $about, $usage, $architectures, $systems, $logo FROM repositories
            WHERE account_id = $account AND region = $region AND name = $name
            ON CONFLICT (repository_id) DO UPDATE SET description = excluded.description, about_text = excluded.about_text,
                usage_text = excluded.usage_text, architectures = excluded.architectures,
                operating_systems = excluded.operating_systems, logo = excluded.logo
            """,
            cancellationToken,
            ("$account", accountId), ("$region", RegistryIdentity.PublicRegion), ("$name", repository.Value),
            ("$description", data.Description), ("$about", data.AboutText), ("$usage", data.UsageText),
            ("$architectures", JsonSerializer.Serialize(data.Architectures)), ("$systems", JsonSerializer.Serialize(data.OperatingSystems)),
            ("$logo", data.Logo)).ConfigureAwait(false) > 0;
    }

    private async ValueTask<PublicRegistry?> FindOneAsync(string sql, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql, ("$value", value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static PublicRegistry Read(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
}
