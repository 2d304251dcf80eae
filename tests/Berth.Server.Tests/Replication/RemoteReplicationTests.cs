using System.Net;
using System.Text;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tests.Registries;
using Microsoft.Data.Sqlite;

namespace Berth.Server.Tests.Replication;

/// <summary>
/// Replication to destinations outside the deployment, with real processes: a source Berth, a second Berth and CNCF
/// Distribution (Debian's docker-registry) on loopback, destinations configured with the real
/// <c>berth replication</c> command, images pushed and pulled back with skopeo.
/// </summary>
public sealed class RemoteReplicationTests
{
    /// <summary>Short retries so that an outage of a few seconds is waited out quickly; no assertion depends on time.</summary>
    internal static readonly Dictionary<string, string> FastReplication = new()
    {
        ["Berth__Replication__PollInterval"] = "00:00:00.2",
        ["Berth__Replication__RetryDelay"] = "00:00:00.5",
        ["Berth__Replication__MaxRetryDelay"] = "00:00:01",
        ["Berth__Replication__MaxAttempts"] = "100",
        ["Berth__Replication__StatsInterval"] = "00:00:01",
        ["Logging__LogLevel__Berth.Server.BackgroundJobs.ReplicationJob"] = "Information",
    };

    [SkippableFact]
    public async Task AMultiArchImageWithASignaturePullsByteIdenticalFromASecondBerthAndFromDistributionAndABackfillBringsAnOlderImage()
    {
        Skip.IfNot(File.Exists(DistributionRegistry.Executable), "docker-registry (CNCF Distribution) is not installed");
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        await using var distribution = await DistributionRegistry.StartNewAsync();
        await using var second = await BerthProcess.StartAsync(BerthProcess.NewDataDirectory());
        var data = BerthProcess.NewDataDirectory();
        await using var source = await BerthProcess.StartAsync(data, FastReplication);
        var host = source.Client.BaseAddress!.Authority;
        var layout = new OciLayoutWriter(Path.Combine(data, "layout"));
        var old = TestImageFactory.WriteImage(layout);
        layout.Tag(old.Descriptor, "old");
        var index = TestImageFactory.WriteIndex(layout, "amd64", "arm64");
        layout.Tag(new OciDescriptor(OciMediaTypes.ImageIndex, index.IndexDigest, index.Index.Length), "v1");

        // Pushed before any destination exists: only the backfill replicates it.
        await Skopeo.CopyAsync($"oci:{layout.Directory}:old", $"docker://{host}/remote/old:v0");
        await CliAsync(data, "replication", "destination", "add", "second", "--endpoint", second.Client.BaseAddress!.ToString(), "--repository-prefix", "remote/");
        await CliAsync(data, "replication", "destination", "add", "distribution", "--endpoint", distribution.Address.ToString(), "--repository-prefix", "remote/");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{host}/remote/app:v1", "--all", "--preserve-digests");
        var signature = await PushSignatureAsync(source.Client, "remote/app", index.IndexDigest, index.Index.Length);
        var backfill = await CliAsync(data, "replication", "backfill", "--repository-prefix", "remote/old");

        // Two children, the index, the signature and the backfilled image, to each of the two destinations.
        var rows = await SourceOutbox.WaitAsync(source.DatabasePath, r => r.Count == 10 && r.All(x => x.Status != "IN_PROGRESS"), source.Output);

        Assert.Contains("Queued 2 replications", backfill.StandardOutput, StringComparison.Ordinal);
        Assert.All(rows, r => Assert.True(r.Status == "COMPLETE", $"{r}"));
        foreach (var destination in new[] { second.Client.BaseAddress!.Authority, distribution.Host })
        {
            var copy = Path.Combine(data, "pulled-" + destination.Replace(':', '-'));
            await Skopeo.CopyAsync($"docker://{destination}/remote/app:v1", $"oci:{copy}:v1", "--all", "--preserve-digests");
            await Skopeo.CopyAsync($"docker://{destination}/remote/old:v0", $"oci:{copy}:v0");
            Assert.Equal(index.IndexDigest, OciLayout.Find(copy, "v1").Digest);
            Assert.Equal(index.Index, OciLayout.ReadBlob(copy, index.IndexDigest));
            Assert.Equal(old.ManifestDigest, OciLayout.Find(copy, "v0").Digest);
            foreach (var image in index.Images.Append(old))
            {
                Assert.Equal(image.Manifest, OciLayout.ReadBlob(copy, image.ManifestDigest));
                foreach (var blob in image.Blobs)
                {
                    Assert.Equal(OciLayout.ReadBlob(layout.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
                }
            }

            using var client = new HttpClient { BaseAddress = new Uri($"http://{destination}/") };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"v2/remote/app/manifests/{signature.Digest}", UriKind.Relative));
            request.Headers.Accept.ParseAdd(OciTestClient.OciManifest);
            using var signed = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
            Assert.Equal(signature.Manifest, await signed.Content.ReadAsByteArrayAsync());
        }

        // Distribution 2.8 has no referrers API; the second Berth lists the signature under the index.
        using var referrers = await second.Client.GetAsync(new Uri($"v2/remote/app/referrers/{index.IndexDigest}", UriKind.Relative));
        Assert.Contains(signature.Digest, await referrers.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var status = await CliAsync(data, "replication", "status", "--destination", "second");
        Assert.Contains("second: 0 queued, 0 in flight, 5 completed, 0 failed", status.StandardOutput, StringComparison.Ordinal);
        await WaitForLogAsync(source, "Replication to distribution: 0 queued, 0 in flight, 5 completed, 0 failed");
        var listed = await CliAsync(data, "replication", "destination", "list");
        Assert.Contains($"second\t{second.Client.BaseAddress}\t000000000000/us-east-1\tremote/\tno credentials", listed.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task WithTheRightAccessKeysTheImageArrivesAndARefusingDestinationEndsFailedWithTheReason()
    {
        const string keyId = "AKIAREPLICATIONTEST1";
        const string secret = "replication-test-secret-access-key-000001";
        var secured = new Dictionary<string, string>
        {
            ["Berth__RequireRegistryAuthentication"] = "true",
            ["BERTH_ROOT_ACCESS_KEY_ID"] = keyId,
            ["BERTH_ROOT_SECRET_ACCESS_KEY"] = secret,
        };
        var secondData = BerthProcess.NewDataDirectory();
        await using var second = await BerthProcess.StartAsync(secondData, secured);
        var data = BerthProcess.NewDataDirectory();
        await using var source = await BerthProcess.StartAsync(data, FastReplication);
        var endpoint = second.Client.BaseAddress!.ToString();
        await CliAsync(data, new ProcessRunOptions { StandardInput = secret + "\n" },
            "replication", "destination", "add", "keys", "--endpoint", endpoint, "--access-key-id", keyId, "--secret-stdin");
        await CliAsync(data, "replication", "destination", "add", "wrong-keys", "--endpoint", endpoint, "--access-key-id", keyId, "--secret-access-key", "not-the-secret");
        await CliAsync(data, "replication", "destination", "add", "wrong-password", "--endpoint", endpoint, "--username", "AWS", "--password", "not-a-token");

        var (manifest, digest) = await source.Client.PushImageAsync("secured/app", "v1");
        var rows = await SourceOutbox.WaitAsync(source.DatabasePath, r => r.Count == 3 && r.All(x => x.Status != "IN_PROGRESS"), source.Output);

        var byDestination = rows.ToDictionary(r => r.Remote!);
        Assert.Equal("COMPLETE", byDestination["keys"].Status);
        Assert.Equal(("FAILED", "ACCESS_DENIED"), (byDestination["wrong-keys"].Status, byDestination["wrong-keys"].FailureCode));
        Assert.Contains("POST / answered 400 Bad Request", byDestination["wrong-keys"].FailureReason, StringComparison.Ordinal);
        Assert.Contains("InvalidSignatureException", byDestination["wrong-keys"].FailureReason, StringComparison.Ordinal);
        Assert.Equal(("FAILED", "ACCESS_DENIED"), (byDestination["wrong-password"].Status, byDestination["wrong-password"].FailureCode));
        Assert.Contains("answered 401", byDestination["wrong-password"].FailureReason, StringComparison.Ordinal);
        Assert.Equal(manifest, await ManifestInDatabaseAsync(second.DatabasePath, "secured/app", digest));
        var listed = await CliAsync(data, "replication", "destination", "list");
        Assert.DoesNotContain(secret, listed.StandardOutput, StringComparison.Ordinal);
        foreach (var file in new[] { source.DatabasePath, source.DatabasePath + "-wal" }.Where(File.Exists))
        {
            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(file, Encoding.Latin1), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task ADestinationStoppedDuringTheCopyIsRetriedUntilItIsBackAndTheImageArrivesWhole()
    {
        Skip.IfNot(File.Exists(DistributionRegistry.Executable), "docker-registry (CNCF Distribution) is not installed");
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        await using var distribution = await DistributionRegistry.StartNewAsync();
        var data = BerthProcess.NewDataDirectory();
        await using var source = await BerthProcess.StartAsync(data, FastReplication);
        await CliAsync(data, "replication", "destination", "add", "distribution", "--endpoint", distribution.Address.ToString());

        await distribution.StopAsync();
        var (manifest, digest) = await source.Client.PushImageAsync("outage/app", "v1");
        var retried = await SourceOutbox.WaitAsync(source.DatabasePath, r => r.Count == 1 && r[0].Attempts >= 3, source.Output);
        await distribution.StartAsync();
        var rows = await SourceOutbox.WaitAsync(source.DatabasePath, r => r[0].Status != "IN_PROGRESS", source.Output);

        Assert.Equal("IN_PROGRESS", retried[0].Status);
        Assert.Contains("Connection refused", retried[0].FailureReason, StringComparison.Ordinal);
        Assert.Equal("COMPLETE", rows[0].Status);
        var raw = await Skopeo.RunAsync("inspect", "--tls-verify=false", "--raw", $"docker://{distribution.Host}/outage/app:v1");
        Assert.Equal(manifest, Encoding.UTF8.GetBytes(raw.StandardOutput.TrimEnd('\n')));
        Assert.Equal(digest, OciTestClient.DigestOf(manifest));

        // No blob missing: each one the manifest names is served with the bytes of its digest.
        using var document = System.Text.Json.JsonDocument.Parse(manifest);
        using var client = new HttpClient { BaseAddress = distribution.Address };
        var root = document.RootElement;
        foreach (var blob in root.GetProperty("layers").EnumerateArray().Append(root.GetProperty("config")).Select(d => d.GetProperty("digest").GetString()))
        {
            Assert.Equal(blob, OciTestClient.DigestOf(await client.GetByteArrayAsync(new Uri($"v2/outage/app/blobs/{blob}", UriKind.Relative))));
        }
    }

    [Fact]
    public async Task DestinationsThatCannotWorkAreRefusedNamingWhatIsWrong()
    {
        var data = BerthProcess.NewDataDirectory();
        string[][] refused =
        [
            ["bad name!", "--endpoint", "http://127.0.0.1:1/"],
            ["ok", "--endpoint", "ftp://example.com/"],
            ["ok", "--endpoint", "http://127.0.0.1:1/", "--username", "u"],
            ["ok", "--endpoint", "http://127.0.0.1:1/", "--username", "u", "--password", "p", "--access-key-id", "AKIA1"],
        ];
        string[] reasons = ["is not a valid destination name", "is not an http:// or https:// URL", "--username needs --password", "not both"];

        for (var i = 0; i < refused.Length; i++)
        {
            var result = await BerthCli.RunAsync(data, ["replication", "destination", "add", .. refused[i]]);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(reasons[i], result.StandardError, StringComparison.Ordinal);
        }

        await CliAsync(data, "replication", "destination", "add", "ok", "--endpoint", "http://127.0.0.1:1");
        var duplicate = await BerthCli.RunAsync(data, "replication", "destination", "add", "ok", "--endpoint", "http://127.0.0.1:2");
        var removed = await BerthCli.RunAsync(data, "replication", "destination", "remove", "ok");
        var again = await BerthCli.RunAsync(data, "replication", "destination", "remove", "ok");

        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("exists already", duplicate.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(1, again.ExitCode);
        Directory.Delete(data, recursive: true);
    }

    internal static Task<ProcessResult> CliAsync(string data, params string[] arguments) => CliAsync(data, null, arguments);

    internal static async Task<ProcessResult> CliAsync(string data, ProcessRunOptions? options, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "berth.dll"), .. arguments, "--data", data],
            (options ?? new ProcessRunOptions()) with
            {
                AllowFailure = true,
                Timeout = TimeSpan.FromMinutes(2),
                Environment = new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" },
            });
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Pushes a signature artifact whose subject is the index, by digest as signing tools do.</summary>
    private static async Task<(byte[] Manifest, string Digest)> PushSignatureAsync(HttpClient client, string repository, string subject, long subjectSize)
    {
        var config = "{}"u8.ToArray();
        var payload = Encoding.UTF8.GetBytes($"{{\"signed\":\"{subject}\"}}");
        var configDigest = await client.PushBlobAsync(repository, config);
        var payloadDigest = await client.PushBlobAsync(repository, payload);
        var manifest = OciTestClient.ImageManifest(
            configDigest, config.Length, [(payloadDigest, payload.Length)], new { mediaType = OciTestClient.OciIndex, digest = subject, size = subjectSize },
            "application/vnd.example.signature", configMediaType: "application/vnd.oci.empty.v1+json");
        var digest = OciTestClient.DigestOf(manifest);
        using var response = await client.PutManifestAsync(repository, digest, manifest, OciTestClient.OciManifest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (manifest, digest);
    }

    private static async Task WaitForLogAsync(BerthProcess berth, string line)
    {
        for (var attempt = 0; !berth.Output.Contains(line, StringComparison.Ordinal); attempt++)
        {
            Assert.True(attempt < 240, $"'{line}' was never logged:\n{berth.Output}");
            await Task.Delay(250);
        }
    }

    private static async Task<byte[]?> ManifestInDatabaseAsync(string databasePath, string repository, string digest)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT m.content FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.name = @name AND m.digest = @digest";
        command.Parameters.AddWithValue("@name", repository);
        command.Parameters.AddWithValue("@digest", digest);
        return (byte[]?)await command.ExecuteScalarAsync();
    }
}
