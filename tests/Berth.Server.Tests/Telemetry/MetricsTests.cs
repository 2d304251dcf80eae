using System.Net;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Durability;

namespace Berth.Server.Tests.Telemetry;

/// <summary>
/// /metrics of a real berth process (its own process: the meters are process-wide, and other tests' servers in this
/// process would move the same counters), scraped before and after a skopeo push and pull.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private const string Requests = "http_server_request_duration_seconds_count";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-metrics-tests", Guid.NewGuid().ToString("N"));
    private BerthProcess _berth = null!;
    private Uri _metrics = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        _berth = await BerthProcess.StartAsync(BerthProcess.NewDataDirectory(), new Dictionary<string, string>
        {
            ["Berth__Metrics__Listen"] = "http://127.0.0.1:0",
        });
        _metrics = PrometheusScrape.MetricsUrlOf(_berth);
    }

    public async Task DisposeAsync()
    {
        await _berth.DisposeAsync();
        Directory.Delete(_work, recursive: true);
        Directory.Delete(_berth.DataDirectory, recursive: true);
    }

    [SkippableFact]
    public async Task CountersMoveByExactlyWhatASkopeoPushAndPullDid()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        await PrometheusScrape.SkipUnlessParserAvailableAsync();
        var source = new OciLayoutWriter(Path.Combine(_work, "source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 3);
        source.Tag(image.Descriptor, "v1");
        var blobBytes = image.Blobs.Sum(b => b.Size);
        var blobCount = image.Blobs.Count();
        var repository = $"metrics/{Guid.NewGuid():N}";
        var reference = $"docker://{_berth.Client.BaseAddress!.Authority}/{repository}:v1";

        var before = await PrometheusScrape.ReadAsync(_berth.Client, _metrics);
        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", reference);
        // A request is counted when its handling ends, which may be just after the client has its response: scrape
        // until the counts arrive (or a deadline passes), then check they moved by exactly that much.
        var pushed = await ScrapeUntilAsync(s => Delta(before, s, "manifest.put", "201") >= 1);
        await Skopeo.CopyAsync(reference, $"oci:{Path.Combine(_work, "copy")}:v1");
        var pulled = await ScrapeUntilAsync(s => Delta(pushed, s, "blob.get", "200") >= blobCount);

        Assert.Equal(blobBytes, pushed.Sum("berth_blob_pushed_bytes_total") - before.Sum("berth_blob_pushed_bytes_total"));
        Assert.Equal(0, pulled.Sum("berth_blob_pushed_bytes_total") - pushed.Sum("berth_blob_pushed_bytes_total"));
        Assert.Equal(0, pushed.Sum("berth_blob_pulled_bytes_total") - before.Sum("berth_blob_pulled_bytes_total"));
        Assert.Equal(blobBytes, pulled.Sum("berth_blob_pulled_bytes_total") - pushed.Sum("berth_blob_pulled_bytes_total"));
        Assert.Equal(0, pushed.Sum("berth_uploads_in_progress"));

        // Each blob's upload completed once (PUT, 201), the manifest was put once; the pull read each blob once.
        Assert.Equal(blobCount, Delta(before, pushed, "upload.put", "201"));
        Assert.Equal(1, Delta(before, pushed, "manifest.put", "201"));
        Assert.Equal(blobCount, Delta(pushed, pulled, "blob.get", "200"));
        Assert.Equal(0, Delta(pushed, pulled, "upload.put", "201"));

        // Bounded cardinality: no label carries the repository name.
        Assert.DoesNotContain(pulled.Samples, s => s.Labels.Values.Any(v => v.Contains(repository.Split('/')[1], StringComparison.Ordinal)));

        // Process memory and GC come from .NET's System.Runtime meter.
        Assert.True(pulled.Sum("dotnet_process_memory_working_set_bytes") > 0, pulled.Text);
        Assert.True(pulled.Sum("dotnet_gc_collections_total") >= 0);
        Assert.Contains(pulled.Samples, s => s.Name == "berth_job_runs_total" && s.Labels["job"] == "upload_janitor" && s.Labels["outcome"] == "ok");
    }

    [Fact]
    public async Task MetricsAreServedOnlyOnTheirListener()
    {
        using var onMainPort = await _berth.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var otherPathOnMetricsPort = await _berth.Client.GetAsync(new Uri(_metrics, "/v2/"));
        using var readyOnMetricsPort = await _berth.Client.GetAsync(new Uri(_metrics, "/readyz"));
        using var scrape = await _berth.Client.GetAsync(_metrics);

        Assert.Equal(HttpStatusCode.NotFound, onMainPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPathOnMetricsPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readyOnMetricsPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    private async Task<PrometheusScrape> ScrapeUntilAsync(Func<PrometheusScrape, bool> arrived)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var scrape = await PrometheusScrape.ReadAsync(_berth.Client, _metrics);
            if (arrived(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }

            await Task.Delay(100);
        }
    }

    private static double Delta(PrometheusScrape from, PrometheusScrape to, string operation, string status)
    {
        (string, string)[] labels = [("berth_api", "v2"), ("berth_operation", operation), ("http_response_status_code", status)];
        return to.Sum(Requests, labels) - from.Sum(Requests, labels);
    }
}
