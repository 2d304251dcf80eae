using System.Data.Common;

namespace Berth.Storage.Metadata;

/// <summary>
/// The manifests one replicated image needs, gathered from the source repository in the order the destination must
/// store them, then written there on the caller's transaction: a referrer's subject first, an index's children before
/// the index, the image's referrers after it. Blob links are copied with their size; manifest rows and references with
/// INSERT … SELECT, so no manifest bytes leave the database. Links are written under the blobs' locks and never for a
/// blob a garbage-collection sweep has tombstoned, as <see cref="SqlBlobLinkStore.LinkAsync"/> writes them: otherwise
/// a sweep could delete the bytes of a blob whose source link went away while this (uncommitted) copy linked it.
/// </summary>
internal sealed class ImageCopy(MetadataDatabase database, DbConnection connection, long source, long destination)
{
    private readonly List<string> _order = [];
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="digest"/> and what it needs; false when it or one of its children is not in the source.</summary>
    public async Task<bool> VisitAsync(string digest, CancellationToken cancellationToken)
    {
        if (!_visited.Add(digest))
        {
            return true;
        }

        var row = await connection.FirstAsync(
            "SELECT subject FROM manifests WHERE repository_id = @id AND digest = @digest",
            r => new ManifestRow(r.IsDBNull(0) ? null : r.GetString(0)), cancellationToken, ("@id", source), ("@digest", digest)).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }

        // A subject that is not (or no longer) in the source is not needed: OCI referrers may precede their subject.
        if (row.Subject is { } subject)
        {
            await VisitAsync(subject, cancellationToken).ConfigureAwait(false);
        }

        foreach (var child in await ReferencesAsync(digest, "manifest", cancellationToken).ConfigureAwait(false))
        {
            if (!await VisitAsync(child, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        _order.Add(digest);
        var referrers = await connection.ListAsync(
            "SELECT digest FROM manifests WHERE repository_id = @id AND subject = @digest ORDER BY pushed_at, digest",
            r => r.GetString(0), cancellationToken, ("@id", source), ("@digest", digest)).ConfigureAwait(false);
        foreach (var referrer in referrers)
        {
            await VisitAsync(referrer, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Writes every visited manifest into the destination; false when a blob is linked in neither repository.</summary>
    public async Task<bool> WriteAsync(long now, CancellationToken cancellationToken)
    {
        var blobs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var digest in _order)
        {
            blobs[digest] = await ReferencesAsync(digest, "blob", cancellationToken).ConfigureAwait(false);
        }

        // All at once, in ordinal order (LockKeysAsync sorts): two copies sharing blobs cannot deadlock.
        await database.LockKeysAsync(connection, cancellationToken, [.. blobs.Values.SelectMany(b => b).Distinct(StringComparer.Ordinal).Select(DbCommands.BlobLock)]).ConfigureAwait(false);
        foreach (var digest in _order)
        {
            foreach (var blob in blobs[digest])
            {
                var linked = await connection.ExecuteAsync(
                    """
                    INSERT INTO blob_links (repository_id, digest, size, linked_at)
                    SELECT @destination, digest, size, @now FROM blob_links
                    WHERE repository_id = @source AND digest = @digest AND NOT EXISTS (SELECT 1 FROM gc_tombstones WHERE digest = @digest)
                    ON CONFLICT (repository_id, digest) DO NOTHING
                    """,
                    cancellationToken, ("@destination", destination), ("@source", source), ("@digest", blob), ("@now", now)).ConfigureAwait(false);
                if (linked == 0 && await connection.ScalarAsync(
                        "SELECT 1 FROM blob_links WHERE repository_id = @id AND digest = @digest", cancellationToken, ("@id", destination), ("@digest", blob)).ConfigureAwait(false) is null)
                {
                    return false;
                }
            }

            var inserted = await connection.ExecuteAsync(
                """
                INSERT INTO manifests (repository_id, digest, media_type, artifact_type, subject, annotations, size, content, pushed_at, config_media_type, image_size)
                SELECT @destination, digest, media_type, artifact_type, subject, annotations, size, content, @now, config_media_type, image_size
                FROM manifests WHERE repository_id = @source AND digest = @digest
                ON CONFLICT (repository_id, digest) DO NOTHING
                """,
                cancellationToken, ("@destination", destination), ("@source", source), ("@digest", digest), ("@now", now)).ConfigureAwait(false);
            if (inserted > 0)
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO manifest_references (repository_id, manifest_digest, kind, digest)
                    SELECT @destination, manifest_digest, kind, digest FROM manifest_references WHERE repository_id = @source AND manifest_digest = @digest
                    ON CONFLICT DO NOTHING
                    """,
                    cancellationToken, ("@destination", destination), ("@source", source), ("@digest", digest)).ConfigureAwait(false);
            }
        }

        return true;
    }

    private Task<List<string>> ReferencesAsync(string digest, string kind, CancellationToken cancellationToken) =>
        connection.ListAsync(
            "SELECT digest FROM manifest_references WHERE repository_id = @id AND manifest_digest = @digest AND kind = @kind",
            r => r.GetString(0), cancellationToken, ("@id", source), ("@digest", digest), ("@kind", kind));

    private sealed record ManifestRow(string? Subject);
}
