using System.Net;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;

namespace Berth.Server.Tests.Cluster;

/// <summary>PostgreSQL goes down for a few seconds: clients get a retryable 503, nothing half-written shows, service resumes.</summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class DatabaseOutageTests(PostgresCluster cluster)
{
    [Fact]
    public async Task AStoppedDatabaseAnswers503AndServiceResumesWhenItReturns()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        await using var server = await BerthTestServer.StartAsync(storage.Settings());
        var repository = BerthTestServer.NewRepositoryName("outage");
        var (_, digest) = await server.Client.PushImageAsync(repository, "before");
        var configBytes = "{\"architecture\":\"amd64\",\"os\":\"linux\"}"u8.ToArray();
        var config = await server.Client.PushBlobAsync(repository, configBytes);
        var during = OciTestClient.ImageManifest(config, configBytes.Length, []);

        await cluster.StopAsync();
        try
        {
            using var get = await server.Client.GetAsync(new Uri($"/v2/{repository}/manifests/before", UriKind.Relative));
            using var put = await server.Client.PutManifestAsync(repository, "during", during, OciTestClient.OciManifest);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);
            Assert.Equal("UNAVAILABLE", await OciTestClient.ErrorCodeAsync(get));
            Assert.Equal(TimeSpan.FromSeconds(1), get.Headers.RetryAfter?.Delta);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, put.StatusCode);
        }
        finally
        {
            await cluster.StartAsync();
        }

        // The first requests may still meet connections the restart cut; the pool replaces them by itself.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            using var response = await server.Client.GetAsync(new Uri($"/v2/{repository}/manifests/{digest}", UriKind.Relative));
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.True(DateTime.UtcNow < deadline, "service did not resume within 30 s of the database's return");
                await Task.Delay(200);
            }
        }
        while (status != HttpStatusCode.OK);

        using (var missing = await server.Client.GetAsync(new Uri($"/v2/{repository}/manifests/during", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using var retried = await server.Client.PutManifestAsync(repository, "during", during, OciTestClient.OciManifest);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
    }
}
