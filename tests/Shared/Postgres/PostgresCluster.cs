using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Berth.Testing.Postgres;

/// <summary>
/// A private PostgreSQL 15 cluster for one test collection: initdb and <c>pg_ctl -w start</c> in a temporary
/// directory, on 127.0.0.1 and a free port, run as the <c>postgres</c> user when the tests run as root (initdb refuses
/// root). Logins over TCP need a password (scram-sha-256), as in production. Every test gets a database of its own
/// (<see cref="CreateDatabaseAsync"/>), whose default collation is ICU en-US, so a query that relies on the database's
/// collation for ordinal order fails here. The cluster is stopped and its directory removed afterwards.
/// Needs the Debian package postgresql-15 (scripts/test.sh installs it).
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"berth-postgres-{Guid.NewGuid():N}");
    private readonly string _password = Guid.NewGuid().ToString("N");
    private bool _started;

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_directory, "data");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}/initdb is missing): apt-get install postgresql-15, or run scripts/test.sh as root.");
        }

        Directory.CreateDirectory(_directory);
        var passwordFile = Path.Combine(_directory, "password");
        await File.WriteAllTextAsync(passwordFile, _password + "\n");
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _directory], asPostgres: false);
        }

        await RunAsync(Path.Combine(BinDirectory, "initdb"),
            ["-D", DataDirectory, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8"],
            asPostgres: true);
        Port = FreePort();
        await StartAsync();
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port, with the same data.</summary>
    public async Task StartAsync()
    {
        // fsync off makes tests quicker and loses nothing when the server process dies (only a power cut would);
        // synchronous_commit stays on, since an immediate stop would drop commits still in the WAL buffers.
        var settings = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories={_directory} -c max_connections=400 " +
            "-c fsync=off -c full_page_writes=off";
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o", settings, "start"], asPostgres: true);
        _started = true;
    }

    /// <summary>Stops the server as a crash would (immediate shutdown: every connection is cut).</summary>
    public async Task StopAsync()
    {
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], asPostgres: true);
        _started = false;
    }

    /// <summary>The connection string of the postgres superuser on the database <paramref name="database"/>.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = "postgres",
            Password = _password,
            Pooling = true,
        }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"berth_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>Stops the server without a checkpoint (the data is thrown away) and removes the directory.</summary>
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
        {
            await StopAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temporary directory.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres && Environment.UserName == "root" ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (start.FileName == "runuser")
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        // pg_ctl start returns once the server accepts connections; the server itself writes to the -l log, so
        // these pipes reach end of file when pg_ctl exits.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
