using System.Data.Common;
using Berth.Core.Registries;
using Berth.Storage.FileSystem;
using Berth.Storage.Metadata;
using Berth.Storage.Migrations;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

/// <summary>
/// The SQLite metadata database: WAL journal (readers never block the writer), synchronous=FULL (a transaction
/// acknowledged to a client survives a power loss), foreign keys on. Connections are pooled by the driver. A SQLite
/// file belongs to one process and every transaction begins IMMEDIATE (the driver's default), so writers are already
/// serial: row locks and named locks are nothing to take. Hot-path reads go through statements prepared once
/// (<see cref="SqlitePreparedReads"/>). <paramref name="defaultRegistry"/> is where a migration puts rows that predate
/// registries.
/// </summary>
internal sealed class SqliteDatabase : MetadataDatabase, IDisposable
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintForeignKey = 787;

    private readonly string _connectionString;
    private readonly RegistryIdentity _defaultRegistry;

    // The physical connections (sqlite3 handles) whose per-connection PRAGMAs are set. The driver's pool hands the same
    // handle out again and again, and the PRAGMAs stick to it, so they run once per handle rather than once per request.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _configured = [];

    private readonly SqlitePreparedReads _reads;

    public SqliteDatabase(string path, RegistryIdentity defaultRegistry)
    {
        _defaultRegistry = defaultRegistry;
        Path = System.IO.Path.GetFullPath(path);
        // Created 0600 in a 0700 directory before SQLite opens it: SQLite would create it (and its -wal and -shm files,
        // which copy the database file's mode) under the umask, readable by every local user.
        PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        PrivateFiles.CreateFileIfMissing(Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _reads = new SqlitePreparedReads(_connectionString);
    }

    public string Path { get; }

    public override string ForUpdate => "";

    public override string ForNoKeyUpdate => "";

    public override string OrdinalCollation => "";

    public override string NowMillis => "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

    /// <summary>
    /// Creates the database file if needed, switches it to WAL and applies pending migrations. Migrations run with
    /// foreign keys off, as SQLite's table-rebuild procedure requires (a DROP would otherwise cascade), and each is
    /// checked with <c>PRAGMA foreign_key_check</c> before it commits.
    /// </summary>
    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA foreign_keys=OFF;", cancellationToken).ConfigureAwait(false);
        try
        {
            await MigrationRunner.ApplyAsync(connection, "sqlite", _defaultRegistry, CheckForeignKeysAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await connection.ExecuteAsync("PRAGMA foreign_keys=ON;", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task CheckForeignKeysAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var violation = await connection.FirstAsync("PRAGMA foreign_key_check;", r => (Table: r.GetString(0), Parent: r.GetString(2)), cancellationToken).ConfigureAwait(false);
        if (violation.Table is not null)
        {
            throw new InvalidOperationException($"A migration left a row of table '{violation.Table}' without the row its foreign key names in '{violation.Parent}'.");
        }
    }

    public override ValueTask<T?> ReadFirstAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        where T : default
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_reads.ReadFirst(sql, map, parameters));
    }

    public override Task LockKeysAsync(DbConnection connection, CancellationToken cancellationToken, params string[] keys) => Task.CompletedTask;

    /// <summary>One process owns the file: the in-process lock the caller holds is all there is to take.</summary>
    public override ValueTask<IAsyncDisposable> LockAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IAsyncDisposable>(NothingHeld.Instance);

    public override bool IsForeignKeyViolation(DbException exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: SqliteConstraintForeignKey };

    public override async ValueTask<int> ExecuteUnflushedAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA synchronous=NORMAL;", cancellationToken).ConfigureAwait(false);
        try
        {
            return await connection.ExecuteAsync(sql, cancellationToken, parameters).ConfigureAwait(false);
        }
        finally
        {
            // The connection goes back to the pool: every other write commits with FULL again. Not cancellable.
            await connection.ExecuteAsync("PRAGMA synchronous=FULL;", CancellationToken.None).ConfigureAwait(false);
        }
    }


    public void Dispose() => _reads.Dispose();

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var handle = connection.Handle!;
            if (!_configured.TryGetValue(handle, out _))
            {
                await connection.ExecuteAsync("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;", cancellationToken).ConfigureAwait(false);
                _configured.AddOrUpdate(handle, handle);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class NothingHeld : IAsyncDisposable
    {
        public static readonly NothingHeld Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
