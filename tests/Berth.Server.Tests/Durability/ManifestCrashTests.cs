using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Berth.Server.Tests.Durability;

/// <summary>
/// Berth is killed with SIGKILL while many manifest PUTs are in flight. After a restart every manifest that was
/// acknowledged with 201 is there, every manifest it serves hashes to its digest, and every tag points at one.
/// </summary>
public sealed class ManifestCrashTests
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const int Attempts = 400;
    private const int Concurrency = 24;
    private const int AcknowledgedBeforeKill = 60;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ManifestPutsKilledMidwayLeaveOnlyWholeManifestsAndTagsThatResolve()
    {
        var data = BerthProcess.NewDataDirectory();
        const string repository = "durability/manifests";
        var manifests = Enumerable.Range(0, Attempts).Select(i => Manifest(i)).ToArray();
        var acknowledged = new ConcurrentDictionary<int, string>();

        await using (var berth = await BerthProcess.StartAsync(data))
        {
            await RegistryCalls.PushMonolithicAsync(berth.Client, repository, Config, DigestOf(Config));
            await RegistryCalls.PushMonolithicAsync(berth.Client, repository, Layer, DigestOf(Layer));

            using var gate = new SemaphoreSlim(Concurrency);
            var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var puts = manifests.Select(async (manifest, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    using var response = await PutAsync(berth.Client, repository, $"t{i}", manifest);
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    acknowledged[i] = DigestOf(manifest);
                    if (acknowledged.Count >= AcknowledgedBeforeKill)
                    {
                        enoughAcknowledged.TrySetResult();
                    }
                }
                finally
                {
                    gate.Release();
                }
            }).ToArray();

            await enoughAcknowledged.Task.WaitAsync(Deadline);
            await berth.KillAsync();
            var outcomes = await Task.WhenAll(puts.Select(p => p.ContinueWith(t => t.Exception?.GetBaseException(), TaskScheduler.Default)));
            var unexpected = outcomes.OfType<Exception>().Where(e => e is not (HttpRequestException or OperationCanceledException)).ToList();
            Assert.True(unexpected.Count == 0, "a PUT failed before the kill: " + string.Join("; ", unexpected.Select(e => e.Message)));
            Assert.True(acknowledged.Count < Attempts, "every PUT finished before the kill; it landed too late to test anything");
        }

        await using (var berth = await BerthProcess.StartAsync(data))
        {
            await StoreConsistency.AssertDatabaseIsSoundAsync(berth.DatabasePath, berth.BlobsDirectory);
            await StoreConsistency.AssertBlobsMatchTheirNamesAsync(berth.BlobsDirectory);

            // Acknowledged means durable (synchronous=FULL): by tag and by digest, byte for byte.
            foreach (var (i, digest) in acknowledged)
            {
                Assert.Equal(manifests[i], await GetManifestAsync(berth.Client, repository, $"t{i}", digest));
                Assert.Equal(manifests[i], await GetManifestAsync(berth.Client, repository, digest, digest));
            }

            // Whatever else survived is whole: every listed tag resolves to the manifest that tag was pushed with.
            var tags = await ListTagsAsync(berth.Client, repository);
            Assert.Superset(acknowledged.Keys.Select(i => $"t{i}").ToHashSet(), tags.ToHashSet());
            foreach (var tag in tags)
            {
                var i = int.Parse(tag[1..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(manifests[i], await GetManifestAsync(berth.Client, repository, tag, DigestOf(manifests[i])));
            }

            // The registry still takes writes: the PUTs the kill cut off now succeed.
            foreach (var i in Enumerable.Range(0, Attempts).Where(i => !acknowledged.ContainsKey(i)).Take(20))
            {
                using var response = await PutAsync(berth.Client, repository, $"t{i}", manifests[i]);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            await StoreConsistency.AssertDatabaseIsSoundAsync(berth.DatabasePath, berth.BlobsDirectory);
        }

        Directory.Delete(data, recursive: true);
    }

    private static byte[] Config { get; } = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");

    private static byte[] Layer { get; } = RandomNumberGenerator.GetBytes(64 * 1024);

    private static byte[] Manifest(int i) => Encoding.UTF8.GetBytes(
        $$$"""
        {"schemaVersion":2,"mediaType":"{{{ManifestType}}}",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{DigestOf(Config)}}}","size":{{{Config.Length}}}},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{{DigestOf(Layer)}}}","size":{{{Layer.Length}}}}],
         "annotations":{"durability.attempt":"{{{i}}}"}}
        """);

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string repository, string tag, byte[] manifest)
    {
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
        return await client.PutAsync(new Uri($"/v2/{repository}/manifests/{tag}", UriKind.Relative), content);
    }

    /// <summary>GET of a manifest; asserts 200, the digest header and that the body hashes to it.</summary>
    private static async Task<byte[]> GetManifestAsync(HttpClient client, string repository, string reference, string expectedDigest)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v2/{repository}/manifests/{reference}", UriKind.Relative));
        request.Headers.Accept.ParseAdd(ManifestType);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET manifest {reference} answered {response.StatusCode}");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(expectedDigest, DigestOf(body));
        Assert.Equal(expectedDigest, response.Headers.GetValues("Docker-Content-Digest").Single());
        return body;
    }

    private static async Task<List<string>> ListTagsAsync(HttpClient client, string repository)
    {
        using var response = await client.GetAsync(new Uri($"/v2/{repository}/tags/list?n=10000", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return [.. json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];
    }
}
