using System.Diagnostics.Metrics;

namespace Berth.Core.Blobs;

/// <summary>
/// What uploads do, as System.Diagnostics.Metrics instruments of the meter <see cref="MeterName"/> (exported by the
/// server as Prometheus metrics). Counted where every upload passes, the /v2/ API and ECR's layer API alike.
/// </summary>
public static class BlobUploadMetrics
{
    public const string MeterName = "Berth.Blobs";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Blob bytes received and stored into uploads (chunks whose append succeeded).</summary>
    public static readonly Counter<long> BytesPushed = Meter.CreateCounter<long>(
        "berth.blob.pushed", "By", "Blob bytes received into uploads (the /v2/ API and ECR's UploadLayerPart)");

    /// <summary>
    /// Uploads begun minus uploads finished (completed, cancelled, discarded or expired) by this process. An upload
    /// begun on one node and finished on another counts +1 on the first and -1 on the second: the sum over the nodes
    /// is the cluster's number of uploads in progress since the nodes started.
    /// </summary>
    public static readonly UpDownCounter<long> InProgress = Meter.CreateUpDownCounter<long>(
        "berth.uploads.in_progress", "{upload}", "Uploads begun minus finished by this process (sum over nodes: uploads in progress)");
}
