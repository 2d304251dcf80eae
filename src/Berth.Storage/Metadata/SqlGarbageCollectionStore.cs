using System.Data.Common;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>
/// Garbage collection's rows (migration 0013): candidates with the time each was first seen unreferenced, and the
/// tombstones of blobs being deleted. A tombstone is written in one transaction holding the per-digest locks
/// (<see cref="DbCommands.BlobLock"/>) that links and upload reservations also take, and only where no link, manifest
/// reference or reservation exists: on PostgreSQL the advisory locks order the sweep against pushes on every node;
/// on SQLite every writing transaction is already exclusive, across processes too (<c>berth gc</c> beside a server).
/// Links of blobs no manifest of their repository references are removed under the repository's row lock, the one
/// a manifest put takes before it checks that its blobs are linked (<see cref="SqlImageStore.PutManifestAsync"/>).
/// </summary>
internal sealed class SqlGarbageCollectionStore(MetadataDatabase database) : IGarbageCollectionStore
{
    // A link a manifest of its repository references is counted through manifest_references.
    public async ValueTask<IReadOnlySet<Digest>> ListReferencedAsync(DateTimeOffset linkCutoff, CancellationToken cancellationToken)
    {
        var rows = await database.ListAsync(
            """
            SELECT digest FROM blob_links WHERE linked_at > @cutoff
            UNION SELECT digest FROM manifest_references WHERE kind = 'blob'
            UNION SELECT committing_digest FROM upload_sessions WHERE committing_digest IS NOT NULL
            """,
            static reader => reader.GetString(0), cancellationToken, ("@cutoff", linkCutoff.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        return rows.Select(Digest.Parse).ToHashSet();
    }

    public async ValueTask<IReadOnlyList<UnreferencedLink>> ListUnreferencedLinksAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        await database.ListAsync(
            $"""
            SELECT r.account_id, r.region, r.name, l.digest, l.size FROM blob_links l
            JOIN repositories r ON r.id = l.repository_id
            WHERE {StaleLink}
            """,
            static reader => new UnreferencedLink(
                new RegistryIdentity(reader.GetString(0), reader.GetString(1)), reader.GetString(2), Digest.Parse(reader.GetString(3)), reader.GetInt64(4)),
            cancellationToken, ("@cutoff", cutoff.ToUnixTimeMilliseconds())).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<UnreferencedLink>> UnlinkAsync(IReadOnlyList<UnreferencedLink> links, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var unlinked = new List<UnreferencedLink>();
        foreach (var repository in links.GroupBy(l => (l.Registry, l.Repository)))
        {
            var batch = repository.ToList();
            var (list, parameters) = InList(batch.Select(l => l.Digest).ToList());
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // The lock a manifest put holds from its "are the blobs linked" check to its commit: a put that found a
            // link has committed its references (seen by the statement below), a later one finds the link gone.
            if (await connection.LockRepositoryAsync(database, repository.Key.Registry, repository.Key.Repository, cancellationToken).ConfigureAwait(false) is not { } id)
            {
                continue;
            }

            var removed = (await connection.ListAsync(
                $"DELETE FROM blob_links AS l WHERE l.repository_id = @id AND l.digest IN ({list}) AND {StaleLink} RETURNING digest",
                static reader => Digest.Parse(reader.GetString(0)), cancellationToken,
                [.. parameters, ("@id", id), ("@cutoff", cutoff.ToUnixTimeMilliseconds())]).ConfigureAwait(false)).ToHashSet();
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            unlinked.AddRange(batch.Where(l => removed.Contains(l.Digest)));
        }

        return unlinked;
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

    /// <summary>A link <c>l</c> made at or before <c>@cutoff</c> whose blob no manifest of its repository references.</summary>
    private const string StaleLink = """
        l.linked_at <= @cutoff
        AND NOT EXISTS (SELECT 1 FROM manifest_references m WHERE m.repository_id = l.repository_id AND m.kind = 'blob' AND m.digest = l.digest)
        """;

    /// <summary>An <c>IN (…)</c> list of parameters, one per digest (batches are at most GarbageCollector.BatchSize, 1,000).</summary>
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
