using Berth.Core.Leases;

namespace Berth.Storage.Postgres;

/// <summary>
/// Leases shared by every node. Expiry is computed on the database server's clock, so nodes whose clocks drift still
/// agree on when a lease ends. Two nodes racing for a free lease both reach the upsert; PostgreSQL makes the second
/// wait for the first and then re-checks its WHERE against the row the first wrote, so only one of them gets it.
/// </summary>
internal sealed class PostgresLeaseStore(PostgresDatabase database) : ILeaseStore
{
    public async ValueTask<bool> TryAcquireAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.ExecuteAsync(
            """
            INSERT INTO leases (name, owner, expires_at)
            VALUES (@name, @owner, (extract(epoch FROM clock_timestamp()) * 1000)::bigint + @duration)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE leases.owner = excluded.owner OR leases.expires_at <= (extract(epoch FROM clock_timestamp()) * 1000)::bigint
            """,
            cancellationToken, ("@name", name), ("@owner", owner), ("@duration", (long)duration.TotalMilliseconds)).ConfigureAwait(false);
        return rows > 0;
    }

    public async ValueTask ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM leases WHERE name = @name AND owner = @owner", cancellationToken, ("@name", name), ("@owner", owner)).ConfigureAwait(false);
    }
}
