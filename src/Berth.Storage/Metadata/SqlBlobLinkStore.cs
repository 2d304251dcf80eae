using System.Data.Common;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

internal sealed class SqlBlobLinkStore(MetadataDatabase database, RegistryIdentity registry, TimeProvider time) : IBlobLinkStore
{
    public async ValueTask<bool> LinkAsync(RepositoryName repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        int rows;
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Under the blob's lock, against a garbage-collection sweep tombstoning it: a blob being deleted is not linked.
            // Linking again refreshes the time: a push's blobs stay linked for the grace period before its manifest is
            // put, even when an earlier image left them linked (the collector unlinks only links older than that).
            await database.LockKeysAsync(connection, cancellationToken, DbCommands.BlobLock(digest.ToString())).ConfigureAwait(false);
            rows = await connection.ExecuteAsync(
                """
                INSERT INTO blob_links (repository_id, digest, size, linked_at)
                SELECT id, @digest, @size, @now FROM repositories
                WHERE account_id = @account AND region = @region AND name = @name
                  AND NOT EXISTS (SELECT 1 FROM gc_tombstones WHERE digest = @digest)
                ON CONFLICT (repository_id, digest) DO UPDATE SET linked_at = excluded.linked_at
                """,
                cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString()), ("@size", size), ("@now", now)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.IsForeignKeyViolation(e))
        {
            // The repository was deleted (by another node) between the select and the insert's key check.
            return false;
        }

        return rows > 0 || await FindAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not null;
    }

    public ValueTask<long?> FindAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        database.ReadFirstAsync<long?>(
            "SELECT l.size FROM blob_links l JOIN repositories r ON r.id = l.repository_id WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND l.digest = @digest",
            static reader => reader.GetInt64(0),
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString()));

    public async ValueTask<long?> FindAndRenewAsync(RepositoryName repository, Digest digest, DateTimeOffset renewBefore, CancellationToken cancellationToken)
    {
        var link = await database.ReadFirstAsync<(long Size, long LinkedAt)?>(
            "SELECT l.size, l.linked_at FROM blob_links l JOIN repositories r ON r.id = l.repository_id WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND l.digest = @digest",
            static reader => (reader.GetInt64(0), reader.GetInt64(1)),
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString())).ConfigureAwait(false);
        if (link is not { } found || found.LinkedAt >= renewBefore.ToUnixTimeMilliseconds())
        {
            return link?.Size;
        }

        // Only a link that still exists is renewed (no blob lock needed: a tombstone is never written while a link
        // exists). The collector removes links with a statement that re-checks linked_at under the row's lock
        // (SqlGarbageCollectionStore.UnlinkAsync): it either removed the link first (no row here: unknown) or keeps it.
        return (long?)await database.ScalarAsync(
            """
            UPDATE blob_links SET linked_at = @now
            WHERE repository_id = (SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name) AND digest = @digest
            RETURNING size
            """,
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString()),
            ("@now", time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public ValueTask<bool> UnlinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        database.DeleteUnderRepositoryLockAsync(
            registry, repository.Value, "DELETE FROM blob_links WHERE repository_id = @id AND digest = @digest", ("@digest", digest.ToString()), cancellationToken);

    public async ValueTask<long?> FindInRegistryAsync(Digest digest, CancellationToken cancellationToken) =>
        (long?)await database.ScalarAsync(
            "SELECT l.size FROM blob_links l JOIN repositories r ON r.id = l.repository_id WHERE l.digest = @digest AND r.account_id = @account AND r.region = @region LIMIT 1",
            cancellationToken, ("@digest", digest.ToString()), ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false);
}
