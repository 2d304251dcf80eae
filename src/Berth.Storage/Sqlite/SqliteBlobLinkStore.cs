using Berth.Core.Registries;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Storage.Sqlite;

internal sealed class SqliteBlobLinkStore(SqliteDatabase database, RegistryIdentity registry, TimeProvider time) : IBlobLinkStore
{
    public async ValueTask<bool> LinkAsync(RepositoryName repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.ExecuteAsync(
            """
            INSERT INTO blob_links (repository_id, digest, size, linked_at)
            SELECT id, $digest, $size, $now FROM repositories WHERE account_id = $account AND region = $region AND name = $name
            ON CONFLICT DO NOTHING
            """,
            cancellationToken, ("$account", registry.AccountId), ("$region", registry.Region), ("$name", repository.Value), ("$digest", digest.ToString()), ("$size", size), ("$now", now)).ConfigureAwait(false);
        return rows > 0 || await FindAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not null;
    }

    public ValueTask<long?> FindAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(database.ReadFirst<long?>(
            "SELECT l.size FROM blob_links l JOIN repositories r ON r.id = l.repository_id WHERE r.account_id = $account AND r.region = $region AND r.name = $name AND l.digest = $digest",
            static reader => reader.GetInt64(0),
            ("$account", registry.AccountId), ("$region", registry.Region), ("$name", repository.Value), ("$digest", digest.ToString())));
    }

    public async ValueTask<bool> UnlinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.ExecuteAsync(
            "DELETE FROM blob_links WHERE repository_id = (SELECT id FROM repositories WHERE account_id = $account AND region = $region AND name = $name) AND digest = $digest",
            cancellationToken, ("$account", registry.AccountId), ("$region", registry.Region), ("$name", repository.Value), ("$digest", digest.ToString())).ConfigureAwait(false);
        return rows > 0;
    }

    public async ValueTask<long?> FindInRegistryAsync(Digest digest, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (long?)await connection.ScalarAsync(
            "SELECT l.size FROM blob_links l JOIN repositories r ON r.id = l.repository_id WHERE l.digest = $digest AND r.account_id = $account AND r.region = $region LIMIT 1",
            cancellationToken, ("$digest", digest.ToString()), ("$account", registry.AccountId), ("$region", registry.Region)).ConfigureAwait(false);
    }
}
