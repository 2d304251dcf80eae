using System.Text.Json;
using Berth.Core.Naming;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using System.Data.Common;

namespace Berth.Storage.Metadata;

/// <summary>Public registries and public repository catalog data (tables of migration 0011_public). A missing logo is
/// passed as zero bytes and stored as NULL, since an untyped NULL parameter would be text, not bytea, to PostgreSQL.</summary>
internal sealed class SqlPublicRegistryStore(MetadataDatabase database) : IPublicRegistryStore
{
    private const string Columns = "account_id, alias, display_name, created_at";

    public ValueTask<PublicRegistry?> FindAsync(string accountId, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM public_registries WHERE account_id = @value", accountId, cancellationToken);

    public ValueTask<PublicRegistry?> FindByAliasAsync(string registryAlias, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM public_registries WHERE alias = @value", registryAlias, cancellationToken);

    public async ValueTask<bool> TryCreateAsync(PublicRegistry registry, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "INSERT INTO public_registries (account_id, alias, display_name, created_at) VALUES (@account, @alias, @display, @created) ON CONFLICT DO NOTHING",
            cancellationToken, ("@account", registry.AccountId), ("@alias", registry.Alias), ("@display", registry.DisplayName), ("@created", registry.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false) > 0;

    public async ValueTask SetDisplayNameAsync(string accountId, string displayName, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE public_registries SET display_name = @display WHERE account_id = @account", cancellationToken, ("@account", accountId), ("@display", displayName)).ConfigureAwait(false);

    public async ValueTask<RepositoryCatalogData?> GetCatalogDataAsync(string accountId, RepositoryName repository, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            """
            SELECT c.description, c.about_text, c.usage_text, c.architectures, c.operating_systems, c.logo
            FROM public_repository_catalog c JOIN repositories r ON r.id = c.repository_id
            WHERE r.account_id = @account AND r.region = @region AND r.name = @name
            """,
            r => new RepositoryCatalogData(
            r.NullableString(0),
            r.NullableString(1),
            r.NullableString(2),
            JsonSerializer.Deserialize<string[]>(r.GetString(3))!,
            JsonSerializer.Deserialize<string[]>(r.GetString(4))!,
            r.IsDBNull(5) ? null : (byte[])r.GetValue(5)),
            cancellationToken, ("@account", accountId), ("@region", RegistryIdentity.PublicRegion), ("@name", repository.Value)).ConfigureAwait(false);

    public async ValueTask<bool> PutCatalogDataAsync(string accountId, RepositoryName repository, RepositoryCatalogData data, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO public_repository_catalog (repository_id, description, about_text, usage_text, architectures, operating_systems, logo)
            SELECT id, @description, @about, @usage, @architectures, @systems, CASE WHEN length(@logo) = 0 THEN NULL ELSE @logo END FROM repositories
            WHERE account_id = @account AND region = @region AND name = @name
            ON CONFLICT (repository_id) DO UPDATE SET description = excluded.description, about_text = excluded.about_text,
                usage_text = excluded.usage_text, architectures = excluded.architectures,
                operating_systems = excluded.operating_systems, logo = excluded.logo
            """,
            cancellationToken,
            ("@account", accountId), ("@region", RegistryIdentity.PublicRegion), ("@name", repository.Value),
            ("@description", data.Description), ("@about", data.AboutText), ("@usage", data.UsageText),
            ("@architectures", JsonSerializer.Serialize(data.Architectures)), ("@systems", JsonSerializer.Serialize(data.OperatingSystems)),
            ("@logo", data.Logo ?? [])).ConfigureAwait(false) > 0;

    private async ValueTask<PublicRegistry?> FindOneAsync(string sql, string value, CancellationToken cancellationToken) =>
        await database.FirstAsync(sql, Read, cancellationToken, ("@value", value)).ConfigureAwait(false);

    private static PublicRegistry Read(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.Time(3));
}
