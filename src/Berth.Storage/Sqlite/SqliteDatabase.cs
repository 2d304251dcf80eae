using Berth.Core.Registries;
using Berth.Storage.Migrations;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

/// <summary>
/// The SQLite metadata database: WAL journal (readers never block the writer), synchronous=FULL (a transaction
/// acknowledged to a client survives a power loss), foreign keys on. Connections are pooled by the driver.
/// <paramref name="defaultRegistry"/> is where a migration puts rows that predate registries.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
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
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
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

    /// <summary>
    /// Creates the database file if needed, switches it to WAL and applies pending migrations. Migrations run with
    /// foreign keys off, as SQLite's table-rebuild procedure requires (a DROP would otherwise cascade), and each is
    /// checked with <c>PRAGMA foreign_key_check</c> before it commits.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA foreign_keys=OFF;", cancellationToken).ConfigureAwait(false);
        try
        {
            var parameters = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["$default_account"] = _defaultRegistry.AccountId,
                ["$default_region"] = _defaultRegistry.Region,
                ["$now"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            };
            await MigrationRunner.ApplyAsync(connection, "sqlite", parameters, CheckForeignKeysAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await connection.ExecuteAsync("PRAGMA foreign_keys=ON;", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task CheckForeignKeysAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA foreign_key_check;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"A migration left a row of table '{reader.GetString(0)}' without the row its foreign key names in '{reader.GetString(2)}'.");
        }
    }

    /// <summary>
    /// A read on a hot path: the first row of <paramref name="sql"/> mapped by <paramref name="map"/>, or <c>default</c>,
    /// through a statement prepared once (<see cref="SqlitePreparedReads"/>). Writes and multi-statement reads use
    /// <see cref="OpenAsync"/>.
    /// </summary>
    public T ReadFirst<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters) =>
        _reads.ReadFirst(sql, map, parameters);

    public void Dispose() => _reads.Dispose();

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var handle = connection.Handle!;
            if (!_configured.TryGetValue(handle, out _))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
}
