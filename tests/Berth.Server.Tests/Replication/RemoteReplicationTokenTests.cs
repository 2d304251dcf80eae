using System.Collections.Concurrent;
using System.Net;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tests.PublicRegistries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Replication;

/// <summary>
/// A remote destination with the registry token flow: a second Berth's ECR Public face, which answers 401 with
/// <c>WWW-Authenticate: Bearer realm=".../token/"</c> and hands out tokens for <c>AWS:&lt;ecr-public password&gt;</c>.
/// The replicator gets its token with the stored password; a destination configured with a wrong one ends FAILED with
/// the token endpoint's refusal as the reason. Two repositories share their layers: the second one's are mounted from
/// the first (201 to <c>POST …/blobs/uploads/?mount=…&amp;from=…</c>), never uploaded again, counted on the destination.
/// </summary>
public sealed class RemoteReplicationTokenTests
{
    [SkippableFact]
    public async Task TheReplicatorGetsATokenWithTheStoredPasswordMountsSharedLayersAndAWrongPasswordEndsFailed()
    {
        ClientTools.SkipUnlessAvailable("aws");
        var requests = new ConcurrentQueue<string>();
        await using var destination = await BerthTestServer.StartPublicAsync(
            new Dictionary<string, string?> { ["Berth:BlobMounting"] = "ENABLED", ["Berth:PublicPulls:AnonymousPerSecond"] = "1000" },
            services => services.AddSingleton<IStartupFilter>(new RequestLog(requests)));
        var registry = new PublicRegistryClient(destination);
        var alias = await registry.AliasAsync();
        await registry.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "first");
        await registry.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "second");
        var password = await registry.PasswordAsync();
        var data = BerthProcess.NewDataDirectory();
        await using var source = await BerthProcess.StartAsync(data, RemoteReplicationTests.FastReplication);
        var endpoint = $"http://{destination.PublicHost}/";
        await RemoteReplicationTests.CliAsync(data, new ProcessRunOptions { StandardInput = password + "\n" },
            "replication", "destination", "add", "token", "--endpoint", endpoint, "--username", "AWS", "--secret-stdin", "--repository-prefix", alias + "/");
        await RemoteReplicationTests.CliAsync(data,
            "replication", "destination", "add", "wrong", "--endpoint", endpoint, "--username", "AWS", "--password", "not-a-password", "--repository-prefix", $"{alias}/first");

        // Two images with the same two layers and their own configs, the second pushed once the first has arrived.
        var layers = new List<(string, long)>();
        var layerBytes = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            layerBytes.Add(OciTestClient.RandomBytes(256 * 1024));
            layers.Add((await source.Client.PushBlobAsync($"{alias}/first", layerBytes[i]), layerBytes[i].Length));
        }

        var first = await PushAsync(source.Client, $"{alias}/first", layers, "first");
        await SourceOutbox.WaitAsync(source.DatabasePath, r => r.Count == 2 && r.All(x => x.Status != "IN_PROGRESS"), source.Output);
        foreach (var layer in layerBytes)
        {
            await source.Client.PushBlobAsync($"{alias}/second", layer);
        }

        var second = await PushAsync(source.Client, $"{alias}/second", layers, "second");
        var rows = await SourceOutbox.WaitAsync(source.DatabasePath, r => r.Count == 3 && r.All(x => x.Status != "IN_PROGRESS"), source.Output);

        var log = requests.ToList();
        var byDestination = rows.ToLookup(r => r.Remote!);
        Assert.All(byDestination["token"], r => Assert.True(r.Status == "COMPLETE", $"{r}\n{string.Join('\n', log)}"));
        var refused = Assert.Single(byDestination["wrong"]);
        Assert.Equal(("FAILED", "ACCESS_DENIED"), (refused.Status, refused.FailureCode));
        Assert.Contains("/token/ answered 401", refused.FailureReason, StringComparison.Ordinal);
        Assert.Contains(log, r => r.StartsWith($"HEAD /v2/{alias}/first/", StringComparison.Ordinal) && r.EndsWith(" 401 none", StringComparison.Ordinal));
        Assert.Contains(log, r => r.StartsWith("GET /token/?service=", StringComparison.Ordinal) && r.Contains($"scope=repository%3A{alias}%2Ffirst%3Apull%2Cpush", StringComparison.Ordinal) && r.EndsWith(" 200 Basic", StringComparison.Ordinal));
        Assert.Contains(log, r => r.StartsWith("GET /token/", StringComparison.Ordinal) && r.EndsWith(" 401 Basic", StringComparison.Ordinal));

        // The first repository received three uploads (config and both layers); the second mounted both layers and uploaded only its config.
        var context = string.Join('\n', log);
        Assert.True(3 == log.Count(r => r.StartsWith($"PUT /v2/{alias}/first/blobs/uploads/", StringComparison.Ordinal) && r.EndsWith(" 201 Bearer", StringComparison.Ordinal)), context);
        Assert.True(1 == log.Count(r => r.StartsWith($"PUT /v2/{alias}/second/blobs/uploads/", StringComparison.Ordinal) && r.EndsWith(" 201 Bearer", StringComparison.Ordinal)), context);
        Assert.Equal(
            layers.Select(l => $"POST /v2/{alias}/second/blobs/uploads/?mount={l.Item1}&from={alias}/first 201 Bearer").Order(StringComparer.Ordinal),
            log.Where(r => r.Contains("mount=", StringComparison.Ordinal)).Select(Uri.UnescapeDataString).Order(StringComparer.Ordinal));

        using var puller = registry.Client(await registry.BearerAsync(null, $"repository:{alias}/first:pull", $"repository:{alias}/second:pull"));
        foreach (var (repository, (manifest, _)) in new[] { ("first", first), ("second", second) })
        {
            using var pulled = await puller.GetAsync($"/v2/{alias}/{repository}/manifests/v1");
            Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
            Assert.Equal(manifest, await pulled.Content.ReadAsByteArrayAsync());
        }

        using var mounted = await puller.GetAsync($"/v2/{alias}/second/blobs/{layers[1].Item1}");
        Assert.Equal(layerBytes[1], await mounted.Content.ReadAsByteArrayAsync());
    }

    private static async Task<(byte[] Manifest, string Digest)> PushAsync(HttpClient client, string repository, List<(string, long)> layers, string name)
    {
        var config = System.Text.Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"name\":\"{name}\"}}");
        var configDigest = await client.PushBlobAsync(repository, config);
        var manifest = OciTestClient.ImageManifest(configDigest, config.Length, layers);
        using var pushed = await client.PutManifestAsync(repository, "v1", manifest, OciTestClient.OciManifest);
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        return (manifest, OciTestClient.DigestOf(manifest));
    }

    /// <summary>Records "METHOD path?query STATUS scheme" of every request the destination answers (scheme: of its Authorization, or none).</summary>
    private sealed class RequestLog(ConcurrentQueue<string> requests) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, call) =>
            {
                // Read before the handlers run: the public face rewrites a mount's query for the private handlers.
                var request = context.Request;
                var line = $"{request.Method} {request.Path}{request.QueryString}";
                var scheme = request.Headers.Authorization.ToString() is { Length: > 0 } header ? header.Split(' ')[0] : "none";
                await call(context);
                requests.Enqueue($"{line} {context.Response.StatusCode} {scheme}");
            });
            next(app);
        };
    }
}
