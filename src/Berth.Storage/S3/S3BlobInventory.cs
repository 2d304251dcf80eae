using System.Runtime.CompilerServices;
using Amazon.S3.Model;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;

namespace Berth.Storage.S3;

/// <summary>
/// Garbage collection's view of the S3 blob store: ListObjectsV2 pages (1,000 keys each, with size and time, so no
/// HEAD per blob) of the <see cref="S3KeyLayout"/> prefixes, and deletion by DeleteObjects, 1,000 keys a request.
/// 100,000 blobs are listed in 100 requests; 50,000 are deleted in 50 (or 100 with the collector's batches of 500).
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
}
