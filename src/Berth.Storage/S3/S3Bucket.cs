using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Berth.Storage.S3;

/// <summary>
/// The object operations the blob store needs, on one bucket, with the settings S3-compatible stores other than AWS
/// accept: fixed-length bodies from seekable buffers (no aws-chunked encoding); DeleteObjects with the Content-MD5
/// some stores require (<see cref="ContentMd5HttpClientFactory"/>).
/// </summary>
internal sealed class S3Bucket(IAmazonS3 client, string name) : IDisposable
{
    /// <summary>The most keys one DeleteObjects request takes.</summary>
    public const int MaximumDeleteBatch = 1000;

    private const int DeleteParallelism = 8;

    public IAmazonS3 Client => client;

    public string Name => name;

    public void Dispose() => client.Dispose();

    /// <summary>Writes <paramref name="count"/> bytes of <paramref name="buffer"/> as the object <paramref name="key"/>.</summary>
    public async Task PutAsync(string key, byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(buffer, offset, count, writable: false);
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = name,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,
            UseChunkEncoding = false,
            ContentType = "application/octet-stream",
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The size of an object, or null when there is none.</summary>
    public async Task<long?> FindSizeAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = name, Key = key }, cancellationToken).ConfigureAwait(false);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Opens an object from <paramref name="offset"/> (a Range GET), or returns null when there is none.</summary>
    public async Task<Stream?> OpenAsync(string key, long offset, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = name, Key = key };
        if (offset > 0)
        {
            request.ByteRange = new ByteRange($"bytes={offset}-");
        }

        try
        {
            var response = await client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The offset is at or past the end: nothing left to read, if the object exists at all.
            return await FindSizeAsync(key, cancellationToken).ConfigureAwait(false) is null ? null : Stream.Null;
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes of an object into <paramref name="buffer"/>; false when it is missing or shorter.</summary>
    public async Task<bool> ReadIntoAsync(string key, byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(key, 0, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return false;
        }

        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    public async Task CopyAsync(string source, string destination, CancellationToken cancellationToken) =>
        await client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = name,
            SourceKey = source,
            DestinationBucket = name,
            DestinationKey = destination,
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes an object; succeeds when it is already gone.</summary>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = name, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>Deletes every object whose key starts with <paramref name="prefix"/>.</summary>
    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = name, Prefix = prefix };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            var keys = (page.S3Objects ?? []).Select(o => o.Key).ToList();
            await Parallel.ForEachAsync(
                keys,
                new ParallelOptions { MaxDegreeOfParallelism = DeleteParallelism, CancellationToken = cancellationToken },
                async (key, token) => await DeleteAsync(key, token).ConfigureAwait(false)).ConfigureAwait(false);
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                return;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>Every object under <paramref name="prefix"/>, in key order, a ListObjectsV2 page (1,000 keys) at a time.</summary>
    public async IAsyncEnumerable<S3Object> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = name, Prefix = prefix };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return item;
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>
    /// Deletes up to <see cref="MaximumDeleteBatch"/> objects in one DeleteObjects request (quiet mode: only failures
    /// are answered). Keys already gone are not failures; any other per-key error throws, naming the first.
    /// </summary>
    public async Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var response = await client.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = name,
            Quiet = true,
            Objects = [.. keys.Select(k => new KeyVersion { Key = k })],
        }, cancellationToken).ConfigureAwait(false);
        var failed = (response.DeleteErrors ?? []).Where(e => e.Code != "NoSuchKey").ToList();
        if (failed.Count > 0)
        {
            throw new AmazonS3Exception($"DeleteObjects failed for {failed.Count} keys, first {failed[0].Key}: {failed[0].Code} {failed[0].Message}");
        }
    }
}
