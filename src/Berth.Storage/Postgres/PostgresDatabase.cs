using System.Net.Sockets;
using Berth.Core.Registries;
using Berth.Storage.Migrations;
using Npgsql;

namespace Berth.Storage.Postgres;

/// <summary>
/// The PostgreSQL metadata database shared by every Berth node: one pooled <see cref="NpgsqlDataSource"/> per process.
/// Transactions run at READ COMMITTED; the stores take the row locks that keep concurrent writers on different nodes
/// correct (see <see cref="PostgresCommands.LockRepositoryAsync"/>). <c>defaultRegistry</c> is where a migration puts
/// rows that predate registries.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
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
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
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
                var parameters = new Dictionary<string, object>(StringComparer.Ordinal)
                {
                    ["@default_account"] = _defaultRegistry.AccountId,
                    ["@default_region"] = _defaultRegistry.Region,
                    ["@now"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                };
                // PostgreSQL checks foreign keys as each statement runs: nothing is left to verify before commit.
                await MigrationRunner.ApplyAsync(connection, "postgres", parameters, (_, _, _) => Task.CompletedTask, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // A pooled connection keeps its session (and a session-level lock) when returned to the pool.
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", MigrationLockKey)).ConfigureAwait(false);
            }
        }
    }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
