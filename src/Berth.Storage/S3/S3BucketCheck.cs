using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;

namespace Berth.Storage.S3;

/// <summary>
/// Lists one key of the bucket before the server accepts requests: an unreachable endpoint, a missing bucket or
/// refused credentials stop the start with a message naming the setting to fix.
/// </summary>
internal sealed class S3BucketCheck(S3Bucket bucket, S3BlobOptions options) : IHostedService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        var where = S3BlobBackend.Describe(options);
        try
        {
            await bucket.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Name, MaxKeys = 1 }, timeout.Token).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket" || (e.StatusCode == HttpStatusCode.NotFound && string.IsNullOrEmpty(e.ErrorCode)))
        {
            throw S3BlobBackend.Invalid("Bucket", $"the bucket '{bucket.Name}' does not exist at {where}");
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw S3BlobBackend.Invalid("AccessKeyId", $"the object store refused the credentials for bucket '{bucket.Name}' ({e.ErrorCode}: {e.Message})");
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw S3BlobBackend.Invalid("ServiceUrl", $"cannot reach the object store at {where}: {e.Message}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
