using System.Data.Common;

namespace Berth.Storage.Metadata;

/// <summary>
/// Claiming and settling the rows of an outbox table (<c>replication_outbox</c>, <c>event_outbox</c>): columns
/// <c>id</c>, <c>status</c>, <c>next_attempt_at</c>, <c>claimed_by</c>, <c>claim_expires_at</c>, <c>updated_at</c>, on the
/// database server's clock, as leases are. A claim is one UPDATE whose WHERE repeats the "unclaimed" test outside its
/// sub-select: PostgreSQL re-checks that test on a row another node has just claimed (READ COMMITTED re-evaluation)
/// and skips it; SQLite's writers are serial. Every settlement names the owner, so a node whose claim ran out and was
/// taken over changes nothing.
/// </summary>
internal sealed class OutboxClaims(MetadataDatabase database, string table, string pendingStatus)
{
    /// <summary>Claims due rows for <paramref name="owner"/>; <paramref name="columns"/> are returned and mapped.</summary>
    public async Task<List<T>> ClaimAsync<T>(
        string columns, Func<DbDataReader, T> map, string owner, int limit, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        var now = database.NowMillis;
        return await database.ListAsync(
            $"""
            UPDATE {table} SET claimed_by = @owner, claim_expires_at = {now} + @claim, updated_at = {now}
            WHERE id IN (SELECT id FROM {table}
                         WHERE status = '{pendingStatus}' AND next_attempt_at <= {now} AND (claim_expires_at IS NULL OR claim_expires_at <= {now})
                         ORDER BY next_attempt_at, id LIMIT @limit)
              AND status = '{pendingStatus}' AND (claim_expires_at IS NULL OR claim_expires_at <= {now})
            RETURNING {columns}
            """,
            map, cancellationToken, ("@owner", owner), ("@claim", (long)claimFor.TotalMilliseconds), ("@limit", limit)).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="set"/> (SQL assignments; <c>{now}</c> is replaced by the database's clock) to a row the
    /// owner still holds, and releases the claim; false when the claim was lost or the row is settled.
    /// </summary>
    public async Task<bool> SettleAsync(long id, string owner, string set, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SettleAsync(connection, id, owner, set, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>The same on <paramref name="connection"/>, inside the caller's transaction when it has one.</summary>
    public async Task<bool> SettleAsync(DbConnection connection, long id, string owner, string set, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await connection.ExecuteAsync(
            $"""
            UPDATE {table} SET {set.Replace("{now}", database.NowMillis, StringComparison.Ordinal)}, claimed_by = NULL, claim_expires_at = NULL, updated_at = {database.NowMillis}
            WHERE id = @id AND claimed_by = @owner AND status = '{pendingStatus}'
            """,
            cancellationToken, [("@id", id), ("@owner", owner), .. parameters]).ConfigureAwait(false) > 0;
}
