using System.Data.Common;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;

namespace Berth.Storage.Metadata;

/// <summary>
/// Garbage collection's rows (migration 0013): candidates with the time each was first seen unreferenced, and the
/// tombstones of blobs being deleted. A tombstone is written in one transaction holding the per-digest locks
/// (<see cref="DbCommands.BlobLock"/>) that links and upload reservations also take, and only where no link, manifest
/// reference or reservation exists: on PostgreSQL the advisory locks order the sweep against pushes on every node;
/// on SQLite every writing transaction is already exclusive, across processes too (<c>berth gc</c> beside a server).
/// </summary>
internal sealed class SqlGarbageCollectionStore(MetadataDatabase database) : IGarbageCollectionStore
{
    public async ValueTask<IReadOnlySet<Digest>> ListReferencedAsync(CancellationToken cancellationToken)
    {
        var rows = await database.ListAsync(
            """
            SELECT digest FROM blob_links
            UNION SELECT digest FROM manifest_references WHERE kind = 'blob'
            UNION SELECT committing_digest FROM upload_sessions WHERE committing_digest IS NOT NULL
            """,
            static reader => reader.GetString(0), cancellationToken).ConfigureAwait(false);
        return rows.Select(Digest.Parse).ToHashSet();
    }

    public async ValueTask<IReadOnlySet<string>> ListUploadIdsAsync(CancellationToken cancellationToken) =>
        (await database.ListAsync("SELECT id FROM upload_sessions", static reader => reader.GetString(0), cancellationToken).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);

    public async ValueTask<IReadOnlyDictionary<Digest, DateTimeOffset>> ListCandidatesAsync(CancellationToken cancellationToken) =>
        (await database.ListAsync(
            "SELECT digest, unreferenced_since FROM gc_candidates",
            static reader => (Digest: Digest.Parse(reader.GetString(0)), Since: reader.Time(1)), cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.Digest, r => r.Since);

    public async ValueTask AddCandidatesAsync(IReadOnlyList<StoredBlob> blobs, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (blobs.Count == 0)
        {
            return;
        }

        var parameters = new List<(string, object?)> { ("@since", since.ToUnixTimeMilliseconds()) };
        var rows = new List<string>();
        for (var i = 0; i < blobs.Count; i++)
        {
            rows.Add($"(@d{i}, @s{i}, @since)");
            parameters.Add(($"@d{i}", blobs[i].Digest.ToString()));
            parameters.Add(($"@s{i}", blobs[i].Size));
        }

        await database.ExecuteAsync(
            $"INSERT INTO gc_candidates (digest, size, unreferenced_since) VALUES {string.Join(", ", rows)} ON CONFLICT (digest) DO NOTHING",
            cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    public async ValueTask RemoveCandidatesAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
    {
        if (digests.Count == 0)
        {
            return;
        }

        var (list, parameters) = InList(digests);
        await database.ExecuteAsync($"DELETE FROM gc_candidates WHERE digest IN ({list})", cancellationToken, parameters).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredBlob>> TombstoneAsync(IReadOnlyList<StoredBlob> blobs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (blobs.Count == 0)
        {
            return [];
        }

        var (list, parameters) = InList(blobs.Select(b => b.Digest).ToList());
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.LockKeysAsync(connection, cancellationToken, [.. blobs.Select(b => DbCommands.BlobLock(b.Digest.ToString()))]).ConfigureAwait(false);

        // WHERE is required before ON CONFLICT in SQLite's INSERT … SELECT (the parser would take ON for a join).
        await connection.ExecuteAsync(
            $"""
            INSERT INTO gc_tombstones (digest, size, created_at)
            SELECT c.digest, c.size, @now FROM gc_candidates c
            WHERE c.digest IN ({list})
              AND NOT EXISTS (SELECT 1 FROM blob_links l WHERE l.digest = c.digest)
              AND NOT EXISTS (SELECT 1 FROM manifest_references r WHERE r.kind = 'blob' AND r.digest = c.digest)
              AND NOT EXISTS (SELECT 1 FROM upload_sessions u WHERE u.committing_digest = c.digest)
            ON CONFLICT (digest) DO NOTHING
            """,
            cancellationToken, [.. parameters, ("@now", now.ToUnixTimeMilliseconds())]).ConfigureAwait(false);
        var tombstoned = (await connection.ListAsync(
            $"SELECT digest FROM gc_tombstones WHERE digest IN ({list})",
            static reader => Digest.Parse(reader.GetString(0)), cancellationToken, parameters).ConfigureAwait(false)).ToHashSet();
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return blobs.Where(b => tombstoned.Contains(b.Digest)).ToList();
    }

    public async ValueTask<IReadOnlyList<StoredBlob>> ListTombstonesAsync(CancellationToken cancellationToken) =>
        await database.ListAsync(
            "SELECT digest, size, created_at FROM gc_tombstones",
            static reader => new StoredBlob(Digest.Parse(reader.GetString(0)), reader.GetInt64(1), reader.Time(2)), cancellationToken).ConfigureAwait(false);

    public async ValueTask FinishAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
    {
        if (digests.Count == 0)
        {
            return;
        }

        var (list, parameters) = InList(digests);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync($"DELETE FROM gc_tombstones WHERE digest IN ({list})", cancellationToken, parameters).ConfigureAwait(false);
        await connection.ExecuteAsync($"DELETE FROM gc_candidates WHERE digest IN ({list})", cancellationToken, parameters).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An <c>IN (…)</c> list of parameters, one per digest (batches are at most a few hundred).</summary>
    private static (string List, (string Name, object? Value)[] Parameters) InList(IReadOnlyList<Digest> digests)
    {
        var parameters = new (string Name, object? Value)[digests.Count];
        for (var i = 0; i < digests.Count; i++)
        {
            parameters[i] = ($"@g{i}", digests[i].ToString());
        }

        return (string.Join(", ", parameters.Select(p => p.Name)), parameters);
    }
}
