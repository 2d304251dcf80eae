using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Berth.Bench;

/// <summary>
/// Runs the workloads against a registry (one node or several sharing one database and bucket) or the bare Kestrel
/// server, and prints each figure. With several nodes, sequential pushes deal every request round-robin (an upload's
/// POST, PATCHes and PUT land on different nodes), the concurrent pushes and pulls pin blob i to node i mod N, and
/// the request-rate workloads deal each request to the next node.
/// </summary>
internal sealed class Driver : IDisposable
{
    private const long GiB = 1L << 30;
    private readonly Nodes _nodes;
    private readonly ProcessProbe _probe;
    // The store's own processes (Swift's servers for a column on S3), counted apart from the server's.
    private readonly ProcessProbe? _store = ProcessProbe.FromEnvironment("BERTH_BENCH_STORE_PIDS");
    private readonly bool _kestrel;
    private readonly HttpClient _http;
    private readonly RegistryClient _registry;
    private readonly NodeCounter? _counter;
    private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    // The size of the "1 GiB" blobs (2 GiB: twice, 16 x 64 MiB: a sixteenth each); smaller only for a quick check of
    // the script (BERTH_BENCH_BLOB_MIB), never for published figures.
    private readonly long _blob = Environment.GetEnvironmentVariable("BERTH_BENCH_BLOB_MIB") is { Length: > 0 } mib
        ? long.Parse(mib, CultureInfo.InvariantCulture) << 20
        : GiB;

    public Driver(Nodes nodes, IReadOnlyList<int> pids, string kind)
    {
        _nodes = nodes;
        _probe = new ProcessProbe(pids);
        _kestrel = kind == "kestrel";
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AllowAutoRedirect = true,
        };
        // With several nodes, every request is counted per node (printed to stderr at the end of the run).
        _counter = nodes.Count > 1 ? new NodeCounter(handler) : null;
        _http = new HttpClient(_counter ?? (HttpMessageHandler)handler) { Timeout = TimeSpan.FromMinutes(10) };
        if (Environment.GetEnvironmentVariable("BERTH_BENCH_AUTHORIZATION") is { Length: > 0 } authorization)
        {
            _http.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }
        _registry = new RegistryClient(_http, nodes);
    }

    public void Dispose() => _http.Dispose();

    public async Task RunAsync(IReadOnlySet<string> only)
    {
        await RunWorkloadsAsync(only);
        if (_counter is not null)
        {
            await Console.Error.WriteLineAsync($"berth-bench: {_counter.Summary()}");
        }
    }

    private async Task RunWorkloadsAsync(IReadOnlySet<string> only)
    {
        bool Want(string name) => only.Count == 0 || only.Contains(name);
        if (_kestrel)
        {
            if (Want("push"))
            {
                var blob = new Source(_blob);
                await Measure("push_monolithic", _blob, () => KestrelUpload(blob, chunked: false));
                await Measure("push_streamed", _blob, () => KestrelUpload(blob, chunked: true));
            }
            if (Want("small"))
            {
                await Rps("small_get", () => new HttpRequestMessage(HttpMethod.Get, _nodes.Next("/small")));
            }
            return;
        }

        Func<Uri> spread = _nodes.Next;
        if (Want("push"))
        {
            var mono = new Source(_blob);
            await Measure("push_monolithic", _blob, () => _registry.PushMonolithic($"bench/mono-{_run}", mono, spread));
            var chunked = new Source(_blob);
            await Measure("push_chunked", _blob, () => _registry.PushChunked($"bench/chunked-{_run}", chunked, 10 << 20, spread));
            var streamed = new Source(_blob);
            await Measure("push_streamed", _blob, () => _registry.PushStreamed($"bench/streamed-{_run}", streamed, spread));
            await Measure("pull", _blob, () => _registry.Pull($"bench/mono-{_run}", mono, spread));

            // The first pull reads what the push left in the page cache (with Berth's DirectIo on, nothing: the disk);
            // the second is from the page cache for every server.
            await Measure("pull_again", _blob, () => _registry.Pull($"bench/mono-{_run}", mono, spread));
        }
        if (Want("push2g"))
        {
            // The peak-memory case of the issue: one 2 GiB monolithic push (pulled back once, length checked).
            var big = new Source(2 * _blob);
            await Measure("push_2g", 2 * _blob, () => _registry.PushMonolithic($"bench/big-{_run}", big, spread));
            await Measure("pull_2g", 2 * _blob, () => _registry.Pull($"bench/big-{_run}", big, spread));
        }
        if (Want("concurrent"))
        {
            var blobs = Enumerable.Range(0, 16).Select(_ => new Source(_blob / 16)).ToArray();
            var repo = $"bench/concurrent-{_run}";
            await Measure("push_16x64m", _blob,
                () => Task.WhenAll(blobs.Select((b, i) => _registry.PushMonolithic(repo, b, () => _nodes.At(i)))));
            // Each blob is pulled from another node than the one that took it.
            await Measure("pull_16x64m", _blob,
                () => Task.WhenAll(blobs.Select((b, i) => _registry.Pull(repo, b, () => _nodes.At(i + 1)))));
        }
        if (Want("small") || Want("requests"))
        {
            var repo = Environment.GetEnvironmentVariable("BERTH_BENCH_REPOSITORY") is { Length: > 0 } named ? named : $"bench/small-{_run}";
            var (manifest, layer) = await _registry.PushImage(repo, "latest");
            await Rps("manifest_get", () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, _nodes.Next($"/v2/{repo}/manifests/latest"));
                request.Headers.Accept.ParseAdd(RegistryClient.ManifestType);
                return request;
            });
            await Rps("blob_head", () => new HttpRequestMessage(HttpMethod.Head, _nodes.Next($"/v2/{repo}/blobs/{layer}")));
            if (Want("small"))
            {
                await TagsList(repo, manifest);
            }
        }
    }

    /// <summary>
    /// The seed of bench/run.sh's wrk workload: the small workload's image tagged latest and t0001..t0999 (1,000 tags) in
    /// <paramref name="repo"/>; prints the layer's digest (the blob wrk HEADs).
    /// </summary>
    public async Task SeedAsync(string repo)
    {
        var (manifest, layer) = await _registry.PushImage(repo, "latest");
        await PutTags(repo, manifest);
        Console.WriteLine($"layer\t{layer}");
    }

    private async Task Measure(string name, long bytes, Func<Task> work)
    {
        _probe.ResetPeak();
        var cpu = _probe.Cpu();
        var store = _store?.Cpu();
        var watch = Stopwatch.StartNew();
        await work();
        var elapsed = watch.Elapsed;
        var used = _probe.Cpu() - cpu;
        var gib = (double)bytes / GiB;
        Report.Line(name + "_gbps", Program.Gb(bytes, elapsed));
        Report.Line(name + "_cpu_s_per_gib", used.Total / gib);
        Report.Line(name + "_user_s_per_gib", used.User / gib);
        Report.Line(name + "_kernel_s_per_gib", used.Kernel / gib);
        if (_store is not null && store is { } before)
        {
            Report.Line(name + "_store_cpu_s_per_gib", (_store.Cpu() - before).Total / gib);
        }
        Report.Line(name + "_peak_rss_mb", _probe.StatusMb("VmHWM"));
    }

    private async Task KestrelUpload(Source blob, bool chunked)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, _nodes.Next("/upload"))
        {
            Content = new SourceContent(blob, 0, blob.Length, chunked),
        };
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var digest = await response.Content.ReadAsStringAsync();
        if (digest != blob.Digest)
        {
            throw new InvalidOperationException($"bare server digest {digest}, expected {blob.Digest}");
        }
    }

    private async Task Rps(string name, Func<HttpRequestMessage> make, int connections = 16, double seconds = 10, double warmup = 5)
    {
        async Task<List<double>> Worker(TimeSpan duration, bool record)
        {
            var latencies = new List<double>(100_000);
            var buffer = new byte[16384];
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                using (var request = make())
                using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
                {
                    await using var body = await response.Content.ReadAsStreamAsync();
                    while (await body.ReadAsync(buffer) > 0)
                    {
                    }
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"{name}: {(int)response.StatusCode} from {request.RequestUri}");
                    }
                }
                if (record)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
            return latencies;
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(() => Worker(TimeSpan.FromSeconds(warmup), false))));
        var cpu = _probe.CpuSeconds();
        var store = _store?.CpuSeconds();
        _probe.ResetPeak();
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(() => Worker(TimeSpan.FromSeconds(seconds), true))));
        var elapsed = watch.Elapsed.TotalSeconds;
        var all = results.SelectMany(r => r).Order().ToArray();
        Report.Line(name + "_rps", all.Length / elapsed);
        Report.Line(name + "_p50_ms", Percentile(all, 0.50));
        Report.Line(name + "_p99_ms", Percentile(all, 0.99));
        Report.Line(name + "_cpu_s", _probe.CpuSeconds() - cpu);
        if (_store is not null && store is { } before)
        {
            Report.Line(name + "_store_cpu_s", _store.CpuSeconds() - before);
        }
        Report.Line(name + "_peak_rss_mb", _probe.StatusMb("VmHWM"));
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    /// <summary>
    /// Tags the manifest t0001..t0999, 16 at a time: with its <c>latest</c>, 1,000 tags, ECR's quota per image (Berth
    /// refuses the 1,001st; a concurrent seed of t0000..t0999 got past that check only when two puts raced).
    /// </summary>
    private async Task PutTags(string repo, byte[] manifest)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < 1000)
            {
                await _registry.PutManifest(repo, string.Create(CultureInfo.InvariantCulture, $"t{i:0000}"), manifest);
            }
        }));
    }

    private async Task TagsList(string repo, byte[] manifest)
    {
        await PutTags(repo, manifest);
        var latencies = new List<double>();
        int count = 0, pages = 0;
        for (var round = 0; round < 60; round++)
        {
            count = 0;
            pages = 0;
            var start = Stopwatch.GetTimestamp();
            var uri = _nodes.Next($"/v2/{repo}/tags/list");
            while (true)
            {
                using var response = await _http.GetAsync(uri);
                RegistryClient.Expect(response, HttpStatusCode.OK);
                var body = await response.Content.ReadAsStringAsync();
                using (var json = System.Text.Json.JsonDocument.Parse(body))
                {
                    count += json.RootElement.GetProperty("tags").GetArrayLength();
                }

                pages++;
                if (!response.Headers.TryGetValues("Link", out var links))
                {
                    break;
                }
                // The next page from the next node: the Link's cursor is in its query.
                var link = links.First();
                uri = _nodes.Next(link[(link.IndexOf('<', StringComparison.Ordinal) + 1)..link.IndexOf('>', StringComparison.Ordinal)]);
            }
            if (round >= 10)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        var sorted = latencies.Order().ToArray();
        Report.Line("tags_list_p50_ms", Percentile(sorted, 0.5));
        Report.Line("tags_list_p99_ms", Percentile(sorted, 0.99));
        Report.Line("tags_list_tags", count);
        Report.Line("tags_list_pages", pages);
    }
}
