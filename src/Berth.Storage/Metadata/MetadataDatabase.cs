using System.Data.Common;
using Berth.Core.Paging;

namespace Berth.Storage.Metadata;

/// <summary>
/// The metadata database, SQLite or PostgreSQL, and the dialect of its SQL: the one place where the two engines
/// differ. The stores beside this class are written once against it, in SQL both engines run (<c>@name</c>
/// parameters, <c>ON CONFLICT … DO UPDATE</c>, <c>RETURNING</c>, <c>bigint</c> milliseconds, booleans bound as bool).
/// What differs is only here: how a connection is opened and configured, how rows read in a transaction are locked
/// (<see cref="ForUpdate"/>, <see cref="ForNoKeyUpdate"/>, <see cref="LockKeysAsync"/>), the cross-transaction lock
/// of an upload (<see cref="LockAsync"/>), the hot-path read (<see cref="ReadFirstAsync{T}"/>) and error codes.
/// </summary>
internal abstract class MetadataDatabase
{
    /// <summary>Appended to a SELECT inside a transaction that will update or delete the rows it reads.</summary>
    public abstract string ForUpdate { get; }

    /// <summary>As <see cref="ForUpdate"/>, for a parent row whose children are written: foreign-key checks go on.</summary>
    public abstract string ForNoKeyUpdate { get; }

    /// <summary>Appended to an ORDER BY column of text that must sort by code point (PostgreSQL's default follows the locale).</summary>
    public abstract string OrdinalCollation { get; }

    /// <summary>The database server's clock in Unix milliseconds, as SQL: one clock for every node.</summary>
    public abstract string NowMillis { get; }

    /// <summary>Creates or migrates the schema before the first request.</summary>
    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>An open connection; a transaction begun on it with <c>BeginTransactionAsync</c> writes exclusively on SQLite.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inside the caller's transaction, takes named locks held until it ends (in ordinal order, so two transactions
    /// locking the same keys cannot deadlock): the serial order of check-then-write transactions across nodes.
    /// </summary>
    public abstract Task LockKeysAsync(DbConnection connection, CancellationToken cancellationToken, params string[] keys);

    /// <summary>A named lock held until disposed, across transactions, by every node of the database (an upload's).</summary>
    public abstract ValueTask<IAsyncDisposable> LockAsync(string key, CancellationToken cancellationToken);

    /// <summary>True when a statement failed because the parent row its foreign key names is gone.</summary>
    public abstract bool IsForeignKeyViolation(DbException exception);

    /// <summary>
    /// Runs one write whose commit does not wait for the disk: visible to every reader when it returns, atomic, but a
    /// crash of the machine (not of the process) may lose it. Only for rows whose loss the caller already recovers from.
    /// SQLite: <c>synchronous=NORMAL</c> for that statement (WAL: no fsync at commit; the next synchronous commit's
    /// fsync carries it). PostgreSQL: <c>SET LOCAL synchronous_commit = off</c> in its transaction.
    /// </summary>
    public abstract ValueTask<int> ExecuteUnflushedAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters);


    /// <summary>
    /// A read on a hot path of pulls: the first row of <paramref name="sql"/> mapped by <paramref name="map"/>, or
    /// <c>default</c>. SQLite runs it through statements prepared once; PostgreSQL through its pooled connections.
    /// </summary>
    public virtual async ValueTask<T?> ReadFirstAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.FirstAsync(sql, map, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>
    /// A page of names (tags, repositories) that cannot hold a line feed: <paramref name="sql"/> selects one column,
    /// <c>name</c>, in order, <c>LIMIT @limit</c> (<paramref name="limit"/> + 1, the extra row saying that more follow).
    /// The rows come back as one value, the names joined by line feeds (<c>string_agg</c>, in SQLite since 3.44), through
    /// <see cref="ReadFirstAsync"/>: a page of 1,000 tags is then a few calls into the driver instead of three per row.
    /// </summary>
    public async Task<Page<string>> NamePageAsync(string sql, int limit, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var joined = await ReadFirstAsync(
            $"SELECT string_agg(name, '\n') FROM ({sql}) page", static reader => reader.IsDBNull(0) ? null : reader.GetString(0), cancellationToken, parameters).ConfigureAwait(false);
        if (joined is null)
        {
            return new Page<string>([], false);
        }

        var names = joined.Split('\n');
        if (!IsOrdered(names))
        {
            Array.Sort(names, StringComparer.Ordinal);
        }

        return names.Length > limit ? new Page<string>(names[..limit], true) : new Page<string>(names, false);
    }

    private static bool IsOrdered(string[] names)
    {
        for (var i = 1; i < names.Length; i++)
        {
            if (string.CompareOrdinal(names[i - 1], names[i]) > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One statement on a connection of its own; the number of rows it changed.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(sql, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>The first column of the first row, on a connection of its own; null for none or NULL.</summary>
    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ScalarAsync(sql, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>The first row mapped by <paramref name="map"/>, or <c>default</c>, on a connection of its own.</summary>
    public async Task<T?> FirstAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.FirstAsync(sql, map, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>Every row mapped by <paramref name="map"/>, on a connection of its own.</summary>
    public async Task<List<T>> ListAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ListAsync(sql, map, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>A page of rows queried with <c>LIMIT limit+1</c>, on a connection of its own.</summary>
    public async Task<Page<T>> PageAsync<T>(string sql, int limit, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.PageAsync(sql, limit, map, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>A one-column page of strings (names, tags), on a connection of its own.</summary>
    public Task<Page<string>> PageAsync(string sql, int limit, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        PageAsync(sql, limit, static reader => reader.GetString(0), cancellationToken, parameters);
}
