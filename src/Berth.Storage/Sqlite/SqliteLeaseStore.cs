using Berth.Core.Leases;

namespace Berth.Storage.Sqlite;

/// <summary>
/// Leases in SQLite. One SQLite file serves one node, so this mostly keeps the single-node configuration on the same
/// code path as a cluster; it is still exact for several processes sharing the file (the upsert is one write).
/// </summary>
internal sealed class SqliteLeaseStore(SqliteDatabase database, TimeProvider time) : ILeaseStore
{
    public async ValueTask<bool> TryAcquireAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.ExecuteAsync(
            """
            INSERT INTO leases (name, owner, expires_at) VALUES ($name, $owner, $expires)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE leases.owner = excluded.owner OR leases.expires_at <= $now
            """,
            cancellationToken, ("$name", name), ("$owner", owner), ("$expires", now + (long)duration.TotalMilliseconds), ("$now", now)).ConfigureAwait(false);
        return rows > 0;
    }

    public async ValueTask ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM leases WHERE name = $name AND owner = $owner", cancellationToken, ("$name", name), ("$owner", owner)).ConfigureAwait(false);
    }
}
