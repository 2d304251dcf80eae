using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

/// <summary>
/// Read-only connections kept open, each with its statements prepared once, for the queries on the hot paths of
/// pulls (a manifest by tag, a blob link). Microsoft.Data.Sqlite has no statement cache across commands, and closing a
/// connection finalizes the statements of its commands, so a query through a pooled connection is parsed and planned
/// again every time: half of the SQLite time of a manifest GET. Here a connection is rented for one query and given
/// back with its prepared commands; at most <see cref="MaxIdle"/> stay open. Each query is its own read transaction
/// in WAL mode, so it sees every commit made before it started, on any connection.
/// </summary>
internal sealed class SqlitePreparedReads(string databaseConnectionString) : IDisposable
{
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);

    // The database's own settings, read-only and outside the driver's pool (these connections are the pool).
    private readonly string _connectionString = new SqliteConnectionStringBuilder(databaseConnectionString)
    {
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = false,
    }.ToString();

    private readonly ConcurrentBag<Reader> _idle = [];
    private int _idleCount;
    private bool _disposed;

    /// <summary>
    /// Runs <paramref name="sql"/> and maps its first row with <paramref name="map"/>; <c>default</c> when there is none.
    /// </summary>
    public T? ReadFirst<T>(string sql, Func<DbDataReader, T> map, (string Name, object? Value)[] parameters)
    {
        var reader = Rent();
        try
        {
            var command = reader.Prepared(sql, parameters);
            for (var i = 0; i < parameters.Length; i++)
            {
                command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
            }

            T? result;
            using (var rows = command.ExecuteReader())
            {
                result = rows.Read() ? map(rows) : default;
            }

            Return(reader);
            return result;
        }
        catch
        {
            // A connection that failed mid-query is not reused.
            reader.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private Reader Rent()
    {
        if (_idle.TryTake(out var reader))
        {
            Interlocked.Decrement(ref _idleCount);
            return reader;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout=30000;";
            pragma.ExecuteNonQuery();
            return new Reader(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Return(Reader reader)
    {
        if (!_disposed && Interlocked.Increment(ref _idleCount) <= MaxIdle)
        {
            _idle.Add(reader);
            return;
        }

        Interlocked.Decrement(ref _idleCount);
        reader.Dispose();
    }

    private sealed class Reader(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        /// <summary>The command of <paramref name="sql"/>, its parameters named once (a call site always passes the same names).</summary>
        public SqliteCommand Prepared(string sql, (string Name, object? Value)[] parameters)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                foreach (var (name, _) in parameters)
                {
                    command.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                _commands[sql] = command;
            }

            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            connection.Dispose();
        }
    }
}
