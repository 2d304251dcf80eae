using Berth.Core.Leases;

namespace Berth.Storage.Metadata;

/// <summary>
/// Leases shared by every node. Expiry is computed on the database server's clock, so nodes whose clocks drift still
/// agree on when a lease ends. Two nodes racing for a free lease both reach the upsert; the second waits for the first
/// (PostgreSQL's row lock, SQLite's single writer) and then re-checks its WHERE against the row the first wrote, so
/// only one of them gets it.
/// </summary>
internal sealed class SqlLeaseStore(MetadataDatabase database) : ILeaseStore
{
    public async ValueTask<bool> TryAcquireAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"""
            INSERT INTO leases (name, owner, expires_at) VALUES (@name, @owner, {database.NowMillis} + @duration)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE leases.owner = excluded.owner OR leases.expires_at <= {database.NowMillis}
            """,
            cancellationToken, ("@name", name), ("@owner", owner), ("@duration", (long)duration.TotalMilliseconds)).ConfigureAwait(false) > 0;

    public async ValueTask ReleaseAsync(string name, string owner, CancellationToken cancellationToken) =>
        await database.ExecuteAsync("DELETE FROM leases WHERE name = @name AND owner = @owner", cancellationToken, ("@name", name), ("@owner", owner)).ConfigureAwait(false);
}
