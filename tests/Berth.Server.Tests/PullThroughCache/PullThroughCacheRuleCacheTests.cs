using System.Net;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Cluster;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// Two nodes sharing PostgreSQL: node B answers manifest GETs from its cached rules, so a rule created through node A
/// reaches B once B's cache lifetime (Berth:AuthorizationCacheSeconds, here its most, a minute, on B's own clock) has passed, and
/// not before. The rule's upstream is a closed port: a pull it covers answers 503, one no rule covers 404.
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class PullThroughCacheRuleCacheTests(PostgresCluster cluster) : IAsyncLifetime
{
    private readonly AdjustableClock _clockB = new();
    private SharedStorage _storage = null!;
    private BerthTestServer _nodeA = null!;
    private BerthTestServer _nodeB = null!;

    public async Task InitializeAsync()
    {
        _storage = await SharedStorage.CreateAsync(cluster);
        _nodeA = await BerthTestServer.StartEcrAsync(_storage.Settings());
        _nodeB = await BerthTestServer.StartEcrAsync(
            _storage.Settings(new Dictionary<string, string?>
            {
                ["Berth:RootAccessKeyId"] = _nodeA.AccessKeyId,
                ["Berth:RootSecretAccessKey"] = _nodeA.SecretAccessKey,
                ["Berth:RequireRegistryAuthentication"] = "false",
                ["Berth:AuthorizationCacheSeconds"] = "60",
            }),
            services => services.AddSingleton<TimeProvider>(_clockB));
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        _storage.Dispose();
    }

    [SkippableFact]
    public async Task ARuleCreatedOnAnotherNodeAppliesOnceTheCacheLifetimeHasPassed()
    {
        ClientTools.SkipUnlessAvailable("aws");
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var http = new HttpClient { BaseAddress = _nodeB.BaseAddress };

        using var before = await http.GetAsync("/v2/down/library/app/manifests/v1");
        await new AwsCli(_nodeA).RunAsync("ecr", "create-pull-through-cache-rule", "--cli-input-json", $$"""{"ecrRepositoryPrefix":"down","upstreamRegistryUrl":"http://127.0.0.1:{{port}}"}""");
        using var cached = await http.GetAsync("/v2/down/library/app/manifests/v1");
        _clockB.Offset = TimeSpan.FromSeconds(61);
        using var after = await http.GetAsync("/v2/down/library/app/manifests/v1");

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cached.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Contains("UNAVAILABLE", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
