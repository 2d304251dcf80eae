// The load generator of bench/run.sh. Four commands:
//   berth-bench sha256                      single-core .NET SHA-256 over 1 GiB in memory, GB/s
//   berth-bench kestrel PORT DIR            a bare Kestrel server: PUT /upload hashes and fsyncs the body, GET /small
//   berth-bench image DIR TAG LAYERS MIB    writes an OCI image layout in DIR: one linux/amd64 image tagged TAG with
//                                           LAYERS tar+gzip layers of MIB MiB of random bytes each (new every call)
//   berth-bench run BASE PID KIND [WORKLOADS...]
//                                           drives a registry (KIND=registry) or the bare server (KIND=kestrel) at BASE,
//                                           reading the CPU time and peak RSS of PID from /proc around each workload.
//                                           Registry workloads: push, push2g, concurrent, small (= requests + tags list),
//                                           requests (manifest GET and blob HEAD only). Environment:
//                                           BERTH_BENCH_AUTHORIZATION  an Authorization header value sent on every
//                                                                      request (e.g. "Basic base64(AWS:token)")
//                                           BERTH_BENCH_REPOSITORY     the repository of small/requests (default
//                                                                      bench/small-RANDOM); it must exist or be created on push
// Output: one "name<TAB>value" line per figure on stdout.
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Bench;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: berth-bench sha256 | kestrel PORT DIR | image DIR TAG LAYERS MIB | run BASE PID KIND [WORKLOADS...]");
            return 2;
        }
        switch (args[0])
        {
            case "sha256":
                Sha256Ceiling();
                return 0;
            case "kestrel":
                await BareKestrel.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
                return 0;
            case "image":
                OciImage.Write(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
                return 0;
            case "run":
                {
                    using var driver = new Driver(new Uri(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
                    await driver.RunAsync(args.Skip(4).ToHashSet(StringComparer.Ordinal));
                    return 0;
                }
            default:
                await Console.Error.WriteLineAsync($"unknown command {args[0]}");
                return 2;
        }
    }

    private static void Sha256Ceiling()
    {
        var data = Source.Random;
        using var warm = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        warm.AppendData(data.AsSpan(0, 1 << 24));
        var best = 0.0;
        for (var repeat = 0; repeat < 3; repeat++)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 16; i++)
            {
                for (var offset = 0; offset < data.Length; offset += 1 << 20)
                {
                    hash.AppendData(data.AsSpan(offset, 1 << 20));
                }
            }
            hash.GetHashAndReset();
            best = Math.Max(best, Gb(16L * data.Length, watch.Elapsed));
        }
        Report.Line("dotnet_sha256_gbps", best);
    }

    internal static double Gb(long bytes, TimeSpan elapsed) => bytes / elapsed.TotalSeconds / 1e9;
}

internal static class Report
{
    public static void Line(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}\t{value:0.####}"));
}

/// <summary>Blob content without disk reads on the client: a 64 MiB random buffer repeated, the first 16 bytes a nonce.</summary>
internal sealed class Source
{
    public const int Segment = 1 << 20;
    public static readonly byte[] Random = RandomNumberGenerator.GetBytes(64 << 20);

    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(16);

    public Source(long length)
    {
        Length = length;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var segment in Segments(0, length))
        {
            hash.AppendData(segment.Span);
        }
        Digest = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public long Length { get; }

    public string Digest { get; }

    public IEnumerable<ReadOnlyMemory<byte>> Segments(long offset, long count)
    {
        var position = offset;
        var end = offset + count;
        while (position < end)
        {
            if (position < _nonce.Length)
            {
                var n = (int)Math.Min(_nonce.Length - position, end - position);
                yield return _nonce.AsMemory((int)position, n);
                position += n;
                continue;
            }
            var index = (int)(position % Random.Length);
            var length = (int)Math.Min(Math.Min(Segment, Random.Length - index), end - position);
            yield return Random.AsMemory(index, length);
            position += length;
        }
    }
}

internal sealed class SourceContent : HttpContent
{
    private readonly Source _source;
    private readonly long _offset;
    private readonly long _count;
    private readonly bool _chunked;

    public SourceContent(Source source, long offset, long count, bool chunked)
    {
        _source = source;
        _offset = offset;
        _count = count;
        _chunked = chunked;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        foreach (var segment in _source.Segments(_offset, _count))
        {
            await stream.WriteAsync(segment);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _count;
        return !_chunked;
    }
}

internal sealed class ProcessProbe(int pid)
{
    public void ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name and the state.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public double StatusMb(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return 0;
    }
}

internal sealed class Driver : IDisposable
{
    private const long GiB = 1L << 30;
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private readonly Uri _base;
    private readonly ProcessProbe _probe;
    private readonly bool _kestrel;
    private readonly HttpClient _http;
    private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public Driver(Uri baseUri, int pid, string kind)
    {
        _base = baseUri;
        _probe = new ProcessProbe(pid);
        _kestrel = kind == "kestrel";
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AllowAutoRedirect = true,
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
        if (Environment.GetEnvironmentVariable("BERTH_BENCH_AUTHORIZATION") is { Length: > 0 } authorization)
        {
            _http.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }
    }

    public void Dispose() => _http.Dispose();

    public async Task RunAsync(IReadOnlySet<string> only)
    {
        bool Want(string name) => only.Count == 0 || only.Contains(name);
        if (_kestrel)
        {
            if (Want("push"))
            {
                var blob = new Source(GiB);
                await Measure("push_monolithic", GiB, () => KestrelUpload(blob, chunked: false));
                await Measure("push_streamed", GiB, () => KestrelUpload(blob, chunked: true));
            }
            if (Want("small"))
            {
                await Rps("small_get", () => new HttpRequestMessage(HttpMethod.Get, new Uri(_base, "/small")));
            }
            return;
        }

        if (Want("push"))
        {
            var mono = new Source(GiB);
            await Measure("push_monolithic", GiB, () => PushMonolithic($"bench/mono-{_run}", mono));
            var chunked = new Source(GiB);
            await Measure("push_chunked", GiB, () => PushChunked($"bench/chunked-{_run}", chunked, 10 << 20));
            var streamed = new Source(GiB);
            await Measure("push_streamed", GiB, () => PushStreamed($"bench/streamed-{_run}", streamed));
            await Measure("pull", GiB, () => Pull($"bench/mono-{_run}", mono));
        }
        if (Want("push2g"))
        {
            // The peak-memory case of the issue: one 2 GiB monolithic push (pulled back once, length checked).
            var big = new Source(2 * GiB);
            await Measure("push_2g", 2 * GiB, () => PushMonolithic($"bench/big-{_run}", big));
            await Measure("pull_2g", 2 * GiB, () => Pull($"bench/big-{_run}", big));
        }
        if (Want("concurrent"))
        {
            var blobs = Enumerable.Range(0, 16).Select(_ => new Source(64 << 20)).ToArray();
            var repo = $"bench/concurrent-{_run}";
            await Measure("push_16x64m", 16L * (64 << 20), () => Task.WhenAll(blobs.Select(b => PushMonolithic(repo, b))));
            await Measure("pull_16x64m", 16L * (64 << 20), () => Task.WhenAll(blobs.Select(b => Pull(repo, b))));
        }
        if (Want("small") || Want("requests"))
        {
            var repo = Environment.GetEnvironmentVariable("BERTH_BENCH_REPOSITORY") is { Length: > 0 } named ? named : $"bench/small-{_run}";
            var (manifest, layer) = await PushImage(repo, "latest");
            await Rps("manifest_get", () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, $"/v2/{repo}/manifests/latest"));
                request.Headers.Accept.ParseAdd(ManifestType);
                return request;
            });
            await Rps("blob_head", () => new HttpRequestMessage(HttpMethod.Head, new Uri(_base, $"/v2/{repo}/blobs/{layer}")));
            if (Want("small"))
            {
                await TagsList(repo, manifest);
            }
        }
    }

    private async Task Measure(string name, long bytes, Func<Task> work)
    {
        _probe.ResetPeak();
        var cpu = _probe.CpuSeconds();
        var watch = Stopwatch.StartNew();
        await work();
        var elapsed = watch.Elapsed;
        var cpuUsed = _probe.CpuSeconds() - cpu;
        Report.Line(name + "_gbps", Program.Gb(bytes, elapsed));
        Report.Line(name + "_cpu_s_per_gib", cpuUsed / ((double)bytes / GiB));
        Report.Line(name + "_peak_rss_mb", _probe.StatusMb("VmHWM"));
    }

    private async Task KestrelUpload(Source blob, bool chunked)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_base, "/upload"))
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

    private async Task<Uri> StartUpload(string repo)
    {
        using var response = await _http.PostAsync(new Uri(_base, $"/v2/{repo}/blobs/uploads/"), null);
        Expect(response, HttpStatusCode.Accepted);
        return Location(response);
    }

    private Uri Location(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException("no Location");
        return location.IsAbsoluteUri ? location : new Uri(_base, location);
    }

    private static Uri WithDigest(Uri location, string digest) =>
        new(location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest));

    private async Task PushMonolithic(string repo, Source blob)
    {
        var location = await StartUpload(repo);
        using var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest))
        {
            Content = new SourceContent(blob, 0, blob.Length, chunked: false),
        };
        using var response = await _http.SendAsync(request);
        Expect(response, HttpStatusCode.Created);
    }

    private async Task PushChunked(string repo, Source blob, int chunk)
    {
        var location = await StartUpload(repo);
        for (long offset = 0; offset < blob.Length; offset += chunk)
        {
            var count = Math.Min(chunk, blob.Length - offset);
            var content = new SourceContent(blob, offset, count, chunked: false);
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + count - 1}");
            using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
            using var response = await _http.SendAsync(request);
            Expect(response, HttpStatusCode.Accepted);
            location = Location(response);
        }
        await Complete(location, blob.Digest);
    }

    private async Task PushStreamed(string repo, Source blob)
    {
        var location = await StartUpload(repo);
        using var request = new HttpRequestMessage(HttpMethod.Patch, location)
        {
            Content = new SourceContent(blob, 0, blob.Length, chunked: true),
        };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _http.SendAsync(request);
        Expect(response, HttpStatusCode.Accepted);
        await Complete(Location(response), blob.Digest);
    }

    private async Task Complete(Uri location, string digest)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest));
        using var response = await _http.SendAsync(request);
        Expect(response, HttpStatusCode.Created);
    }

    private async Task Pull(string repo, Source blob)
    {
        using var response = await _http.GetAsync(new Uri(_base, $"/v2/{repo}/blobs/{blob.Digest}"), HttpCompletionOption.ResponseHeadersRead);
        Expect(response, HttpStatusCode.OK);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            total += n;
        }
        ArrayPool<byte>.Shared.Return(buffer);
        if (total != blob.Length)
        {
            throw new InvalidOperationException($"pulled {total} bytes, expected {blob.Length}");
        }
    }

    private async Task<string> PushSmallBlob(string repo, byte[] bytes)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        var location = await StartUpload(repo);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _http.PutAsync(WithDigest(location, digest), content);
        Expect(response, HttpStatusCode.Created);
        return digest;
    }

    private async Task<(byte[] Manifest, string Layer)> PushImage(string repo, string tag)
    {
        var config = Encoding.UTF8.GetBytes(
            """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:0000000000000000000000000000000000000000000000000000000000000000"]},"config":{}}""");
        var layer = RandomNumberGenerator.GetBytes(4096);
        var configDigest = await PushSmallBlob(repo, config);
        var layerDigest = await PushSmallBlob(repo, layer);
        var manifest = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"schemaVersion":2,"mediaType":"{{ManifestType}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{layerDigest}}","size":{{layer.Length}}}]}"""));
        await PutManifest(repo, tag, manifest);
        return (manifest, layerDigest);
    }

    private async Task PutManifest(string repo, string tag, byte[] manifest)
    {
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
        using var response = await _http.PutAsync(new Uri(_base, $"/v2/{repo}/manifests/{tag}"), content);
        Expect(response, HttpStatusCode.Created);
    }

    private async Task Rps(string name, Func<HttpRequestMessage> make, int connections = 16, double seconds = 10)
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
                        throw new InvalidOperationException($"{name}: {(int)response.StatusCode}");
                    }
                }
                if (record)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
            return latencies;
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(() => Worker(TimeSpan.FromSeconds(1), false))));
        var cpu = _probe.CpuSeconds();
        _probe.ResetPeak();
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(() => Worker(TimeSpan.FromSeconds(seconds), true))));
        var elapsed = watch.Elapsed.TotalSeconds;
        var all = results.SelectMany(r => r).Order().ToArray();
        Report.Line(name + "_rps", all.Length / elapsed);
        Report.Line(name + "_p50_ms", Percentile(all, 0.50));
        Report.Line(name + "_p99_ms", Percentile(all, 0.99));
        Report.Line(name + "_cpu_s", _probe.CpuSeconds() - cpu);
        Report.Line(name + "_peak_rss_mb", _probe.StatusMb("VmHWM"));
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private async Task TagsList(string repo, byte[] manifest)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next) - 1) < 1000)
            {
                await PutManifest(repo, string.Create(CultureInfo.InvariantCulture, $"t{i:0000}"), manifest);
            }
        }));
        var latencies = new List<double>();
        int count = 0, pages = 0;
        for (var round = 0; round < 60; round++)
        {
            count = 0;
            pages = 0;
            var start = Stopwatch.GetTimestamp();
            var uri = new Uri(_base, $"/v2/{repo}/tags/list");
            while (true)
            {
                using var response = await _http.GetAsync(uri);
                Expect(response, HttpStatusCode.OK);
                var body = await response.Content.ReadAsStringAsync();
                count += body.Split("\"t", StringSplitOptions.None).Length - 2; // less the "tags" key
                pages++;
                if (!response.Headers.TryGetValues("Link", out var links))
                {
                    break;
                }
                var link = links.First();
                uri = new Uri(_base, link[(link.IndexOf('<', StringComparison.Ordinal) + 1)..link.IndexOf('>', StringComparison.Ordinal)]);
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

    private static void Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode}, expected {(int)status}: {body}");
        }
    }
}
