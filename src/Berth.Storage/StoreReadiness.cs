using System.Data.Common;
using Berth.Storage.FileSystem;
using Berth.Storage.Metadata;
using Berth.Storage.S3;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Berth.Storage;

/// <summary>
/// The readiness check: the metadata database answers a query and the blob store can be reached (the filesystem
/// root exists and can be listed; the bucket answers a one-key listing), each within <see cref="Limit"/>. Unhealthy
/// names the store that failed, never a connection string or credential. Safe to call concurrently; it changes nothing.
/// </summary>
public sealed class StoreReadiness : IHealthCheck
{
    /// <summary>How long each probe may take before the store counts as unreachable.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    private readonly MetadataDatabase _database;
    private readonly Func<CancellationToken, Task> _probeBlobs;

    internal StoreReadiness(MetadataDatabase database, Func<CancellationToken, Task> probeBlobs)
    {
        _database = database;
        _probeBlobs = probeBlobs;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var metadata = await ProbeAsync(ct => _database.ScalarAsync("SELECT 1", ct), cancellationToken).ConfigureAwait(false);
        if (metadata is not null)
        {
            return HealthCheckResult.Unhealthy($"metadata store unreachable: {metadata}");
        }

        var blobs = await ProbeAsync(_probeBlobs, cancellationToken).ConfigureAwait(false);
        return blobs is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"blob store unreachable: {blobs}");
    }

    internal static Task ProbeFileSystem(FileSystemBlobStore store)
    {
        // A root that was unmounted, moved or replaced fails here; listing one entry also surfaces I/O errors (a stale
        // NFS handle) that a mere existence check would not.
        using var entries = Directory.EnumerateFileSystemEntries(store.Root).GetEnumerator();
        entries.MoveNext();
        return Task.CompletedTask;
    }

    internal static Task ProbeS3(S3Bucket bucket, CancellationToken cancellationToken) =>
        bucket.Client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket.Name, MaxKeys = 1 }, cancellationToken);

    /// <summary>Null when the probe succeeded in time, else why it did not.</summary>
    private static async Task<string?> ProbeAsync(Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await probe(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {Limit.TotalSeconds} s";
        }
        catch (Exception e) when (StoreAvailability.IsUnavailable(e) || e is DbException or IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }
}
