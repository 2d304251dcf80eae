using System.Data.Common;
using Berth.Core.Registries;
using Berth.Core.Content;
using Berth.Core.Layers;
using Berth.Core.Naming;

namespace Berth.Storage.Metadata;

internal sealed class SqlLayerStore(MetadataDatabase database, RegistryIdentity registry) : ILayerStore
{
    public async ValueTask<LayerParts?> FindPartsAsync(string uploadId, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            "SELECT last_part_start, small_part_before FROM ecr_layer_parts WHERE upload_id = @id",
            r => new LayerParts(r.GetInt64(0), r.GetBoolean(1)),
            cancellationToken, ("@id", uploadId)).ConfigureAwait(false);

    public async ValueTask SavePartsAsync(string uploadId, LayerParts parts, CancellationToken cancellationToken)
    {
        // Selecting from upload_sessions makes a save for a session deleted meanwhile a no-op instead of a key error;
        // a delete that commits between the select and the insert's key check (another node's) is the same case.
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO ecr_layer_parts (upload_id, last_part_start, small_part_before)
                SELECT id, @start, @small FROM upload_sessions WHERE id = @id
                ON CONFLICT (upload_id) DO UPDATE SET last_part_start = excluded.last_part_start, small_part_before = excluded.small_part_before
                """,
                cancellationToken, ("@id", uploadId), ("@start", parts.LastPartStart), ("@small", parts.SmallPartBefore)).ConfigureAwait(false);
        }
        catch (DbException e) when (database.IsForeignKeyViolation(e))
        {
            // The session is gone: nothing to record.
        }
    }

    public async ValueTask<bool> IsReferencedAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        await database.ScalarAsync(
            """
            SELECT 1 FROM manifest_references m JOIN repositories r ON r.id = m.repository_id
            WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND m.kind = 'blob' AND m.digest = @digest LIMIT 1
            """,
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString())).ConfigureAwait(false) is not null;

    public async ValueTask<ReferencingManifest?> FindReferencingManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            """
            SELECT mf.digest, mf.content FROM manifest_references m
            JOIN repositories r ON r.id = m.repository_id
            JOIN manifests mf ON mf.repository_id = m.repository_id AND mf.digest = m.manifest_digest
            WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND m.kind = 'blob' AND m.digest = @digest
            ORDER BY mf.pushed_at, mf.digest LIMIT 1
            """,
            r => new ReferencingManifest(Digest.Parse(r.GetString(0)), (byte[])r.GetValue(1)),
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString())).ConfigureAwait(false);

    public async ValueTask<bool> IsArchivedAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        var counts = await database.FirstAsync(
            """
            SELECT COUNT(*), SUM(CASE WHEN s.status = 'ARCHIVED' THEN 1 ELSE 0 END) FROM manifest_references m
            JOIN repositories r ON r.id = m.repository_id
            LEFT JOIN image_storage s ON s.repository_id = m.repository_id AND s.digest = m.manifest_digest
            WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND m.kind = 'blob' AND m.digest = @digest
            """,
            r => (References: r.GetInt64(0), Archived: r.IsDBNull(1) ? 0 : r.GetInt64(1)),
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString())).ConfigureAwait(false);
        return counts.References > 0 && counts.Archived == counts.References;
    }
}
