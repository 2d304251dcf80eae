using System.Net;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Durability;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// The berth process is killed with SIGKILL while it fetches a large layer from the upstream for a client (the upstream
/// stops half way, so the kill lands mid-fetch), then started again on the same data directory: the partial layer is
/// neither in the blob store nor linked to the repository, and the next pull fetches it again and serves it whole.
/// </summary>
public sealed class PullThroughCacheCrashTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public async Task AKillMidFetchLeavesNoPartialBlobAndTheNextPullCompletes()
    {
        ClientTools.SkipUnlessAvailable("aws");
        var data = BerthProcess.NewDataDirectory();
        var accessKey = "AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var secretKey = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string> { ["Berth__RootAccessKeyId"] = accessKey, ["Berth__RootSecretAccessKey"] = secretKey };
        await using var upstream = await GatedUpstream.StartAsync(new GeneratedBlob(seed: 1901, length: 96 * MiB));
        upstream.PauseAfter = 48 * MiB;
        const string repository = "ptc/lib/big";
        long received = 0;

        await using (var berth = await BerthProcess.StartAsync(data, environment))
        {
            await CreateRuleAsync(berth, accessKey, secretKey, upstream.Url);
            using (var manifest = await berth.Client.GetAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
            }

            var pull = Task.Run(async () =>
            {
                using var response = await berth.Client.GetAsync(new Uri($"/v2/{repository}/blobs/{upstream.Layer.Digest}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[256 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer)) > 0)
                {
                    Interlocked.Add(ref received, read);
                }
            });
            await upstream.Paused.WaitAsync(Deadline);
            await RegistryCalls.WaitUntilAsync(() => Interlocked.Read(ref received) >= 32 * MiB, Deadline, "the client has received part of the layer");

            await berth.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => pull);
        }

        Assert.DoesNotContain(upstream.Layer.Digest, await StoreConsistency.AssertBlobsMatchTheirNamesAsync(Path.Combine(data, "blobs")));
        await StoreConsistency.AssertDatabaseIsSoundAsync(Path.Combine(data, "berth.db"), Path.Combine(data, "blobs"));
        upstream.PauseAfter = null;
        upstream.Release();

        await using (var berth = await BerthProcess.StartAsync(data, environment))
        {
            await RegistryCalls.AssertPullReturnsAsync(berth.Client, repository, upstream.Layer);
            await RegistryCalls.AssertPullReturnsAsync(berth.Client, repository, upstream.Layer);

            Assert.Equal(2, upstream.LayerGets);
            Assert.Contains(upstream.Layer.Digest, await StoreConsistency.AssertBlobsMatchTheirNamesAsync(berth.BlobsDirectory));
            await StoreConsistency.AssertDatabaseIsSoundAsync(berth.DatabasePath, berth.BlobsDirectory);
        }

        Assert.InRange(received, 32 * MiB, upstream.Layer.Length - 1);
        Directory.Delete(data, recursive: true);
    }

    private static async Task CreateRuleAsync(BerthProcess berth, string accessKey, string secretKey, string upstreamUrl)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = secretKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        await ProcessRunner.RunAsync("aws",
            ["ecr", "create-pull-through-cache-rule", "--cli-input-json", $$"""{"ecrRepositoryPrefix":"ptc","upstreamRegistryUrl":"{{upstreamUrl}}"}""",
                "--endpoint-url", berth.Client.BaseAddress!.ToString().TrimEnd('/'), "--output", "json"],
            new ProcessRunOptions { Environment = environment, Timeout = TimeSpan.FromMinutes(2) });
    }
}
