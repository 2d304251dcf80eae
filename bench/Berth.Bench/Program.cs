// The load generator of bench/run.sh. Six commands:
//   berth-bench sha256                      single-core .NET SHA-256 over 1 GiB in memory, GB/s
//   berth-bench kestrel PORT DIR            a bare Kestrel server: PUT /upload hashes and fsyncs the body, GET /small
//   berth-bench image DIR TAG LAYERS MIB    writes an OCI image layout in DIR: one linux/amd64 image tagged TAG with
//                                           LAYERS tar+gzip layers of MIB MiB of random bytes each (new every call)
//   berth-bench balance PORT HOST:PORT,...  a round-robin TCP balancer on 127.0.0.1:PORT (one node per connection)
//   berth-bench run BASES PIDS KIND [WORKLOADS...]
//                                           drives a registry (KIND=registry) or the bare server (KIND=kestrel) at BASES
//                                           (one base URL, or a comma-separated list of the nodes of a cluster that
//                                           share a database and bucket, between which the requests are spread),
//                                           reading the CPU time and peak RSS of PIDS (comma-separated, the nodes'
//                                           processes) from /proc around each workload.
//                                           Registry workloads: push, push2g, concurrent, small (= requests + tags list),
//                                           requests (manifest GET and blob HEAD only). Environment:
//                                           BERTH_BENCH_AUTHORIZATION  an Authorization header value sent on every
//                                                                      request (e.g. "Basic base64(AWS:token)")
//                                           BERTH_BENCH_REPOSITORY     the repository of small/requests (default
//                                                                      bench/small-RANDOM); it must exist or be created on push
//                                           BERTH_BENCH_STORE_PIDS     comma-separated PIDs of the store's processes (Swift's
//                                                                      servers): their CPU is reported apart (NAME_store_cpu_s...)
//   berth-bench seed BASE PID REPO          pushes the small workload's one-layer image to REPO tagged latest and
//                                           t0001..t0999 (what bench/run.sh's wrk workload requests); prints
//                                           "layer<TAB>DIGEST". BERTH_BENCH_AUTHORIZATION as for run.
// Output: one "name<TAB>value" line per figure on stdout.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace Berth.Bench;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync(
                "usage: berth-bench sha256 | kestrel PORT DIR | image DIR TAG LAYERS MIB | balance PORT HOST:PORT,... | run BASES PIDS KIND [WORKLOADS...] | seed BASE PID REPO");
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
            case "balance":
                await TcpBalancer.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args[2].Split(',').Select(IPEndPoint.Parse).ToArray());
                return 0;
            case "run":
                {
                    var pids = args[2].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                    using var driver = new Driver(Nodes.Parse(args[1]), pids, args[3]);
                    await driver.RunAsync(args.Skip(4).ToHashSet(StringComparer.Ordinal));
                    return 0;
                }
            case "seed":
                {
                    using var driver = new Driver(Nodes.Parse(args[1]), [int.Parse(args[2], CultureInfo.InvariantCulture)], "registry");
                    await driver.SeedAsync(args[3]);
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
