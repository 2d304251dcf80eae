using System.Data.Common;
using Berth.Core.Paging;
using Berth.Core.Registries;
using Berth.Core.Secrets;

namespace Berth.Storage.Metadata;

/// <summary>Secrets Manager secrets in the table <c>secrets</c>, one row per (account, region, name).</summary>
internal sealed class SqlSecretStore(MetadataDatabase database, RegistryIdentity registry) : ISecretStore
{
    private const string Columns = "name, arn, description, sealed_value, is_binary, version_id, created_at, last_changed_at, deletion_date";

    public async ValueTask<Secret?> FindAsync(string name, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"SELECT {Columns} FROM secrets WHERE account_id = @account AND region = @region AND name = @name",
            Read, cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", name)).ConfigureAwait(false);

    public async ValueTask<bool> CreateAsync(Secret secret, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"""
            INSERT INTO secrets (account_id, region, {Columns})
            VALUES (@account, @region, @name, @arn, @description, @value, @binary, @version, @created, @changed, CAST(@deletion AS BIGINT))
            ON CONFLICT (account_id, region, name) DO NOTHING
            """,
            cancellationToken, Parameters(secret)).ConfigureAwait(false) > 0;

    public async ValueTask<bool> UpdateAsync(Secret secret, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            UPDATE secrets SET description = @description, sealed_value = @value, is_binary = @binary, version_id = @version,
                last_changed_at = @changed, deletion_date = CAST(@deletion AS BIGINT)
            WHERE account_id = @account AND region = @region AND arn = @arn
            """,
            cancellationToken, Parameters(secret)).ConfigureAwait(false) > 0;

    public async ValueTask<bool> DeleteAsync(string arn, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "DELETE FROM secrets WHERE account_id = @account AND region = @region AND arn = @arn",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@arn", arn)).ConfigureAwait(false) > 0;

    public async ValueTask<Page<Secret>> ListAsync(PageRequest page, CancellationToken cancellationToken) =>
        await database.PageAsync(
            $"SELECT {Columns} FROM secrets WHERE account_id = @account AND region = @region AND (@after IS NULL OR name > @after) ORDER BY name LIMIT @limit",
            page.Limit, Read, cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@after", page.After), ("@limit", page.Limit + 1)).ConfigureAwait(false);

    private (string, object?)[] Parameters(Secret secret) =>
    [
        ("@account", registry.AccountId), ("@region", registry.Region), ("@name", secret.Name), ("@arn", secret.Arn), ("@description", secret.Description),
        ("@value", secret.SealedValue), ("@binary", secret.IsBinary ? 1L : 0L), ("@version", secret.VersionId),
        ("@created", secret.CreatedAt.ToUnixTimeMilliseconds()), ("@changed", secret.LastChangedAt.ToUnixTimeMilliseconds()),
        ("@deletion", secret.DeletionDate?.ToUnixTimeMilliseconds()),
    ];

    private static Secret Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.NullableString(2),
        (byte[])reader.GetValue(3),
        reader.GetInt64(4) != 0,
        reader.GetString(5),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)));
}
