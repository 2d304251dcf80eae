using System.Net;
using Berth.Server.Tests.Cluster;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;

namespace Berth.Server.Tests.Telemetry;

/// <summary>PostgreSQL stops: /readyz fails (503) naming the metadata store while /healthz stays 200; it recovers.</summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresReadinessTests(PostgresCluster cluster)
{
    [Fact]
    public async Task ReadinessFailsWhilePostgresIsStoppedAndRecovers()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        await using var server = await BerthTestServer.StartAsync(storage.Settings());
        Assert.Equal("ready\n", await HealthTests.ReadyAsync(server, HttpStatusCode.OK));

        await cluster.StopAsync();
        try
        {
            Assert.Equal("not ready: metadata store unreachable\n", await HealthTests.ReadyAsync(server, HttpStatusCode.ServiceUnavailable));
            using var live = await server.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await cluster.StartAsync();
        }

        // A pooled connection the restart cut may fail one probe more; the pool replaces it by itself.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await server.Client.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "not ready within 30 s of the database's return");
            await Task.Delay(200);
        }
    }
}
