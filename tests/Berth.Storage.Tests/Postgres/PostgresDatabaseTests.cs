using System.Net;
using System.Net.Sockets;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Testing.Postgres;
using Npgsql;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresDatabaseTests(PostgresCluster cluster)
{
    [Fact]
    public async Task NodesStartingTogetherMigrateOnceAndAgree()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var nodes = Enumerable.Range(0, 6).Select(_ => new PostgresDatabase(connectionString, PostgresStores.Registry)).ToList();

        await Task.WhenAll(nodes.Select(n => Task.Run(() => n.InitializeAsync(default))));
        await nodes[0].InitializeAsync(default);

        await using var connection = await nodes[0].OpenAsync(default);
        var scripts = MigrationScripts.For("postgres").Select(s => s.Version).ToList();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations ORDER BY version", (NpgsqlConnection)connection);
        await using var reader = await command.ExecuteReaderAsync();
        var applied = new List<int>();
        while (await reader.ReadAsync())
        {
            applied.Add(reader.GetInt32(0));
        }

        Assert.Equal(scripts, applied);
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public void EveryDialectSpecificMigrationHasATwin()
    {
        // Both backends must stay equal: a schema change is one script for both, or a pair with the same number and name.
        var sqlite = MigrationScripts.For("sqlite");
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite.Select(s => (s.Version, s.Name)), MigrationScripts.For("postgres").Select(s => (s.Version, s.Name)));
        Assert.Equal(sqlite.Count, sqlite.Select(s => s.Version).Distinct().Count());
    }

    [Fact]
    public async Task AnUnreachableDatabaseFailsWithTheKeyAndWithoutThePassword()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var database = new PostgresDatabase($"Host=127.0.0.1;Port={port};Database=berth;Username=berth;Password=s3cret-value;Timeout=3", PostgresStores.Registry);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => database.InitializeAsync(default));

        Assert.Contains("'Berth:Storage:Metadata:Postgres:ConnectionString'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}/berth", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPasswordFailsWithTheKey()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await cluster.CreateDatabaseAsync()) { Password = "wrong-password" }.ConnectionString;
        await using var database = new PostgresDatabase(connectionString, PostgresStores.Registry);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => database.InitializeAsync(default));

        Assert.Contains("'Berth:Storage:Metadata:Postgres:ConnectionString'", error.Message, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Host=127.0.0.1;Nonsense=1;Password=s3cret-value")]
    public void AMissingOrMalformedConnectionStringIsRefusedNamingTheKey(string? connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PostgresDatabase(connectionString, PostgresStores.Registry));

        Assert.Contains("'Berth:Storage:Metadata:Postgres:ConnectionString'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnflushedWriteCommitsAndLeavesTheSessionsSynchronousCommitAlone()
    {
        var database = new PostgresDatabase(await cluster.CreateDatabaseAsync(), PostgresStores.Registry);
        await database.InitializeAsync(default);
        await database.ExecuteAsync("CREATE TABLE t (k integer PRIMARY KEY, v text NOT NULL)", default);

        Assert.Equal(1, await database.ExecuteUnflushedAsync("INSERT INTO t (k, v) VALUES (1, @v)", default, ("@v", "one")));
        await Assert.ThrowsAsync<PostgresException>(async () => await database.ExecuteUnflushedAsync("INSERT INTO t (k, v) VALUES (2, NULL)", default));

        await using var connection = await database.OpenAsync(default);
        Assert.Equal("on", await connection.ScalarAsync("SHOW synchronous_commit", default));
        Assert.Equal("one", await connection.ScalarAsync("SELECT v FROM t WHERE k = 1", default));
        Assert.Equal(1L, await connection.ScalarAsync("SELECT COUNT(*) FROM t", default));
    }
}
