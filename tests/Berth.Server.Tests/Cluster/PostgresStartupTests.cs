using System.Net;
using System.Net.Sockets;
using Berth.Server.Tests.Durability;

namespace Berth.Server.Tests.Cluster;

public sealed class PostgresStartupTests
{
    [Fact]
    public async Task AnUnreachableDatabaseStopsTheStartNamingTheKeyButNotThePassword()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var data = BerthProcess.NewDataDirectory();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BerthProcess.StartAsync(data, new Dictionary<string, string>
        {
            ["Berth__Storage__Metadata__Type"] = "Postgres",
            ["Berth__Storage__Metadata__Postgres__ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=berth;Username=berth;Password=pg-secret-9;Timeout=3",
        }));

        Assert.Contains("berth: cannot start: Cannot reach the PostgreSQL metadata database", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Berth:Storage:Metadata:Postgres:ConnectionString'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pg-secret-9", error.Message, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }
}
