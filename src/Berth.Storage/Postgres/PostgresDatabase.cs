using System.Data.Common;
using System.Net.Sockets;
using Berth.Core.Registries;
using Berth.Storage.Metadata;
using Berth.Storage.Migrations;
using Npgsql;

namespace Berth.Storage.Postgres;

/// <summary>
/// The PostgreSQL metadata database shared by every Berth node: one pooled <see cref="NpgsqlDataSource"/> per process.
/// Transactions run at READ COMMITTED; the stores take the row locks (<see cref="ForNoKeyUpdate"/>, see
/// <see cref="DbCommands.LockRepositoryAsync"/>) and the advisory locks (<see cref="LockKeysAsync"/>) that keep
/// concurrent writers on different nodes correct. <c>defaultRegistry</c> is where a migration puts rows that predate
/// registries.
/// </summary>
internal sealed class PostgresDatabase : MetadataDatabase, IAsyncDisposable
{
    public const string ConnectionStringKey = "Berth:Storage:Metadata:Postgres:ConnectionString";

    // pg_advisory_lock key held while migrating, so that nodes starting together migrate one after the other.
    private const long MigrationLockKey = 0x4265_7274_684D_6967; // "BerthMig"

    private readonly NpgsqlDataSource _dataSource;
    private readonly RegistryIdentity _defaultRegistry;

    public PostgresDatabase(string? connectionString, RegistryIdentity defaultRegistry)
    {
        _defaultRegistry = defaultRegistry;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"Invalid configuration '{ConnectionStringKey}': required when 'Berth:Storage:Metadata:Type' is Postgres.");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The message of the parser names the bad keyword, never the value (which may be the password).
            throw new InvalidOperationException($"Invalid configuration '{ConnectionStringKey}': {e.Message}", e);
        }

        builder.ApplicationName ??= "berth";
        Description = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>host:port/database, for the start-up banner and errors; never the password.</summary>
    public string Description { get; }

    /// <summary>
    /// Applies pending migrations under an advisory lock. An unreachable database or a refused login throws an
    /// <see cref="InvalidOperationException"/> naming the configuration key, so the start stops with a clear message.
    /// </summary>
    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        DbConnection connection;
        try
        {
            connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Cannot reach the PostgreSQL metadata database {Description} set by '{ConnectionStringKey}': {e.Message}", e);
        }

        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", cancellationToken, ("key", MigrationLockKey)).ConfigureAwait(false);
            try
            {
                // PostgreSQL checks foreign keys as each statement runs: nothing is left to verify before commit.
                await MigrationRunner.ApplyAsync(connection, "postgres", _defaultRegistry, (_, _, _) => Task.CompletedTask, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // A pooled connection keeps its session (and a session-level lock) when returned to the pool.
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", MigrationLockKey)).ConfigureAwait(false);
            }
        }
    }

    public override string ForUpdate => " FOR UPDATE";

    public override string ForNoKeyUpdate => " FOR NO KEY UPDATE";

    public override string OrdinalCollation => " COLLATE \"C\"";

    public override string NowMillis => "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task LockKeysAsync(DbConnection connection, CancellationToken cancellationToken, params string[] keys)
    {
        var ordered = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (ordered.Length == 1)
        {
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", cancellationToken, ("@key", ordered[0])).ConfigureAwait(false);
            return;
        }

        // Many keys (a garbage-collection batch) in one round trip, taken in the same ordinal order, row by row.
        await connection.ExecuteAsync(
            "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM (SELECT k FROM unnest(@keys) WITH ORDINALITY AS t(k, n) ORDER BY n) AS ordered",
            cancellationToken, ("@keys", ordered)).ConfigureAwait(false);
    }

    /// <summary>
    /// A transaction-scoped advisory lock on <paramref name="key"/>, held by a connection of its own until disposal:
    /// ending the transaction releases it, and so does the database when the node holding it dies (its connection closes).
    /// </summary>
    public override async ValueTask<IAsyncDisposable> LockAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockKeysAsync(connection, cancellationToken, key).ConfigureAwait(false);
            return new Held(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override bool IsForeignKeyViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    public override async ValueTask<int> ExecuteUnflushedAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("SET LOCAL synchronous_commit = off", cancellationToken).ConfigureAwait(false);
        var rows = await connection.ExecuteAsync(sql, cancellationToken, parameters).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }


    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private sealed class Held(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Nothing was written in this transaction: ending it only releases the lock.
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The connection broke, which released the lock with the session.
            }
            finally
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
