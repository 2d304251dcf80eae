using System.Runtime.CompilerServices;
using Amazon.S3.Model;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;

namespace Berth.Storage.S3;

/// <summary>
/// Garbage collection's view of the S3 blob store: ListObjectsV2 pages (1,000 keys each, with size and time, so no
/// HEAD per blob) of the <see cref="S3KeyLayout"/> prefixes, and deletion by DeleteObjects, 1,000 keys a request.
/// 100,000 blobs are listed in 100 requests; 50,000 are deleted in 50 (the collector's batches are 1,000 too).
/// Multipart uploads left open at blob keys (a commit killed midway, <see cref="S3BlobAssembler"/>) are found with
/// ListMultipartUploads pages (1,000 each) and aborted: their parts are billed but no object listing shows them.
/// </summary>
internal sealed class S3BlobInventory(S3Bucket bucket, S3KeyLayout keys) : IBlobInventory
{
    public async IAsyncEnumerable<StoredBlob> ListBlobsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in bucket.ListAsync(keys.Blobs, cancellationToken).ConfigureAwait(false))
        {
            if (keys.TryParseBlob(item.Key, out var digest))
            {
                yield return new StoredBlob(digest, item.Size ?? 0, item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : DateTimeOffset.MinValue);
            }
        }
    }

    /// <summary>One area per upload: keys are listed in order, so the pieces of an upload come one after the other.</summary>
    public async IAsyncEnumerable<StagedArea> ListStagedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? current = null;
        var latest = DateTimeOffset.MinValue;
        await foreach (var item in bucket.ListAsync(keys.Uploads, cancellationToken).ConfigureAwait(false))
        {
            if (keys.UploadIdOf(item.Key) is not { } id)
            {
                continue;
            }

            var modified = item.LastModified is { } time ? new DateTimeOffset(time.ToUniversalTime()) : DateTimeOffset.MinValue;
            if (id != current)
            {
                if (current is not null)
                {
                    yield return new StagedArea(current, latest);
                }

                current = id;
                latest = modified;
            }
            else if (modified > latest)
            {
                latest = modified;
            }
        }

        if (current is not null)
        {
            yield return new StagedArea(current, latest);
        }
    }

    public async ValueTask DeleteBlobsAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
    {
        foreach (var chunk in digests.Chunk(S3Bucket.MaximumDeleteBatch))
        {
            await bucket.DeleteManyAsync([.. chunk.Select(keys.Blob)], cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DeleteStagedAsync(string uploadId, CancellationToken cancellationToken) =>
        await bucket.DeletePrefixAsync(keys.Upload(uploadId), cancellationToken).ConfigureAwait(false);

    public async ValueTask<(int Count, long Bytes)> CollectLeftoversAsync(StagedUpload upload, DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken)
    {
        S3StagedState state;
        try
        {
            state = S3StagedState.Parse(upload);
        }
        catch (Berth.Core.Errors.RegistryException)
        {
            // A state that does not add up: the upload cannot continue, and the janitor removes it whole.
            return (0, 0);
        }

        var used = state.Pieces.Select(p => keys.Piece(upload, p)).ToHashSet(StringComparer.Ordinal);
        var leftovers = new List<S3Object>();
        await foreach (var item in bucket.ListAsync(keys.Upload(upload.Id), cancellationToken).ConfigureAwait(false))
        {
            if (!used.Contains(item.Key) && item.LastModified is { } modified && new DateTimeOffset(modified.ToUniversalTime()) <= cutoff)
            {
                leftovers.Add(item);
            }
        }

        if (!dryRun)
        {
            foreach (var chunk in leftovers.Chunk(S3Bucket.MaximumDeleteBatch))
            {
                await bucket.DeleteManyAsync([.. chunk.Select(o => o.Key)], cancellationToken).ConfigureAwait(false);
            }
        }

        return (leftovers.Count, leftovers.Sum(o => o.Size ?? 0));
    }

    public async ValueTask<int> AbortUnfinishedAsync(DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken)
    {
        var request = new ListMultipartUploadsRequest { BucketName = bucket.Name, Prefix = keys.Blobs };
        var aborted = 0;
        while (true)
        {
            var page = await bucket.Client.ListMultipartUploadsAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (upload.Initiated is not { } initiated || new DateTimeOffset(initiated.ToUniversalTime()) > cutoff)
                {
                    continue;
                }

                if (!dryRun)
                {
                    try
                    {
                        await bucket.Client.AbortMultipartUploadAsync(
                            new AbortMultipartUploadRequest { BucketName = bucket.Name, Key = upload.Key, UploadId = upload.UploadId }, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        // Completed or aborted meanwhile.
                        continue;
                    }
                }

                aborted++;
            }

            if (page.IsTruncated != true)
            {
                return aborted;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }
}
