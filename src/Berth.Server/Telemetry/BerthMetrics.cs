using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Berth.Server.Telemetry;

/// <summary>
/// The server's own instruments (meter <see cref="MeterName"/>): blob bytes served, requests failed by a store or a
/// fault, and background job runs. Request counts and latencies are ASP.NET Core's <c>http.server.request.duration</c>,
/// tagged by <see cref="RequestTelemetry"/>; upload figures are <see cref="Core.Blobs.BlobUploadMetrics"/>.
/// </summary>
internal static class BerthMetrics
{
    public const string MeterName = "Berth";

    private static readonly Meter Meter = new(MeterName);

    private static long _garbageWaiting;

    /// <summary>Blob bytes written to clients: /v2/ blob GETs (ranges: the bytes of the range) and ECR layer downloads.</summary>
    public static readonly Counter<long> BytesPulled = Meter.CreateCounter<long>(
        "berth.blob.pulled", "By", "Blob bytes sent to clients (/v2/ blob GETs and ECR layer downloads)");

    /// <summary>Requests that ended in the unexpected-error handler: <c>kind</c> store_unavailable (503) or fault (500).</summary>
    public static readonly Counter<long> RequestFailures = Meter.CreateCounter<long>(
        "berth.request.failures", "{request}", "Requests answered 503 because a store was unreachable (kind=store_unavailable) or 500 (kind=fault)");

    private static readonly Counter<long> JobRuns = Meter.CreateCounter<long>(
        "berth.job.runs", "{run}", "Background job runs on this node by job and outcome (ok, failed)");

    private static readonly Histogram<double> JobDuration = Meter.CreateHistogram(
        "berth.job.duration", "s", "Duration of background job runs on this node",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600] });

    /// <summary>What job runs did, by job and result (purged, blobs_removed, expired, replicated…).</summary>
    public static readonly Counter<long> JobItems = Meter.CreateCounter<long>(
        "berth.job.items", "{item}", "Items background jobs handled, by job and result");

    /// <summary>Unreferenced blobs the last garbage-collection cycle on this node left for being within the grace period.</summary>
    private static readonly ObservableGauge<long> GarbageWaiting = Meter.CreateObservableGauge(
        "berth.gc.waiting", () => Interlocked.Read(ref _garbageWaiting), "{blob}",
        "Unreferenced blobs the last garbage-collection cycle of this node found within the grace period (the next cycles' backlog)");

    /// <summary>Starts timing a run of <paramref name="job"/>; dispose the result after it, once <see cref="JobRun.Succeeded"/> is called on success.</summary>
    public static JobRun StartJob(string job) => new(job, Stopwatch.GetTimestamp());

    public static void SetGarbageWaiting(long blobs) => Interlocked.Exchange(ref _garbageWaiting, blobs);

    /// <summary>One run of a background job: counted as failed unless <see cref="Succeeded"/> was called before disposal.</summary>
    public sealed class JobRun(string job, long started) : IDisposable
    {
        private bool _succeeded;

        public void Succeeded() => _succeeded = true;

        public void Items(string result, long count)
        {
            if (count > 0)
            {
                JobItems.Add(count, new("job", job), new("result", result));
            }
        }

        public void Dispose()
        {
            JobDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("job", job));
            JobRuns.Add(1, new("job", job), new("outcome", _succeeded ? "ok" : "failed"));
        }
    }
}
