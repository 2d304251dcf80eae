using Amazon.Runtime;
using Amazon.S3.Model;
using Berth.Core.Blobs;
using Berth.Core.Errors;

namespace Berth.Storage.S3;

/// <summary>
/// Puts the pieces of a verified upload together at the blob's key without reading them through Berth: one piece is
/// a server-side copy; several are a multipart upload at the blob's key whose parts are server-side copies of the
/// pieces (UploadPartCopy), completed at once, so the blob appears whole or not at all. Only a pending tail of
/// several small pieces (less than 5 MiB together) is read back and sent as the last part, since no part but the
/// last may be under 5 MiB.
/// </summary>
internal sealed class S3BlobAssembler(S3Bucket bucket, S3KeyLayout keys, S3PartBuffers buffers)
{
    private const int CopyParallelism = 4;

    public async Task AssembleAsync(StagedUpload upload, S3StagedState state, string target, CancellationToken cancellationToken)
    {
        var pendingIndex = state.PendingIndex;
        var pieces = state.Pieces;
        if (pieces.Count == 0)
        {
            await bucket.PutAsync(target, [], 0, 0, cancellationToken).ConfigureAwait(false);
        }
        else if (pieces.Count == 1)
        {
            await bucket.CopyAsync(keys.Piece(upload, pieces[0]), target, cancellationToken).ConfigureAwait(false);
        }
        else if (pendingIndex == 0)
        {
            // Only small pieces: together they are smaller than one part, so one PUT.
            await WithPendingAsync(upload, state, (buffer, count) => bucket.PutAsync(target, buffer, 0, count, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await MultipartAsync(upload, state, target, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the pending tail of <paramref name="state"/> into the front of <paramref name="buffer"/>.</summary>
    public async Task LoadPendingAsync(StagedUpload upload, S3StagedState state, byte[] buffer, CancellationToken cancellationToken)
    {
        var offset = 0;
        foreach (var piece in state.Pieces.Skip(state.PendingIndex))
        {
            if (!await bucket.ReadIntoAsync(keys.Piece(upload, piece), buffer, offset, (int)piece.Size, cancellationToken).ConfigureAwait(false))
            {
                throw new RegistryException(RegistryErrorCode.BlobUploadUnknown, $"the staged bytes of upload {upload.Id} are missing");
            }

            offset += (int)piece.Size;
        }
    }

    private async Task MultipartAsync(StagedUpload upload, S3StagedState state, string target, CancellationToken cancellationToken)
    {
        var client = bucket.Client;
        var pieces = state.Pieces;
        var pendingIndex = state.PendingIndex;
        var init = await client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = bucket.Name, Key = target, ContentType = "application/octet-stream" },
            cancellationToken).ConfigureAwait(false);
        try
        {
            // Large pieces, and a tail of one piece, are copied as parts; a tail of several is read and sent.
            var copied = pendingIndex == pieces.Count - 1 ? pieces.Count : pendingIndex;
            var parts = new PartETag[copied + (copied < pieces.Count ? 1 : 0)];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, copied),
                new ParallelOptions { MaxDegreeOfParallelism = CopyParallelism, CancellationToken = cancellationToken },
                async (index, token) =>
                {
                    var response = await client.CopyPartAsync(new CopyPartRequest
                    {
                        SourceBucket = bucket.Name,
                        SourceKey = keys.Piece(upload, pieces[index]),
                        DestinationBucket = bucket.Name,
                        DestinationKey = target,
                        UploadId = init.UploadId,
                        PartNumber = index + 1,
                    }, token).ConfigureAwait(false);
                    parts[index] = new PartETag(index + 1, response.ETag);
                }).ConfigureAwait(false);

            if (copied < pieces.Count)
            {
                await WithPendingAsync(upload, state, async (buffer, count) =>
                {
                    using var body = new MemoryStream(buffer, 0, count, writable: false);
                    var response = await client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = bucket.Name,
                        Key = target,
                        UploadId = init.UploadId,
                        PartNumber = copied + 1,
                        InputStream = body,
                        PartSize = count,
                        UseChunkEncoding = false,
                    }, cancellationToken).ConfigureAwait(false);
                    parts[copied] = new PartETag(copied + 1, response.ETag);
                }, cancellationToken).ConfigureAwait(false);
            }

            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket.Name,
                Key = target,
                UploadId = init.UploadId,
                PartETags = [.. parts],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Leave no parts behind; the upload session still holds the pieces, so the commit can be retried.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await client.AbortMultipartUploadAsync(
                    new AbortMultipartUploadRequest { BucketName = bucket.Name, Key = target, UploadId = init.UploadId },
                    timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException)
            {
                // The original failure is the one to report; a bucket lifecycle rule removes abandoned multipart uploads.
            }

            throw;
        }
    }

    private async Task WithPendingAsync(StagedUpload upload, S3StagedState state, Func<byte[], int, Task> use, CancellationToken cancellationToken)
    {
        var buffer = await buffers.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadPendingAsync(upload, state, buffer, cancellationToken).ConfigureAwait(false);
            await use(buffer, (int)state.PendingBytes).ConfigureAwait(false);
        }
        finally
        {
            buffers.Return(buffer);
        }
    }
}
