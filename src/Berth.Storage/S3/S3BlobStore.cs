using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;

namespace Berth.Storage.S3;

/// <summary>
/// Blobs on S3-compatible object storage (key layout in <see cref="S3KeyLayout"/>). An upload is a list of piece
/// objects (<see cref="S3StagedState"/>): each append fills one 8 MiB buffer from the request body and writes it as a
/// piece whenever it is full; the buffers are a fixed few shared by all uploads (<see cref="S3PartBuffers"/>), so
/// memory stays flat whatever the blob size and the number of concurrent pushes. The
/// bytes left at the end of an append become a piece of their own when they reach the 5 MiB part minimum, else a
/// small piece of the pending tail; the next append that reaches the minimum reads the tail back (less than 5 MiB,
/// once) in front of its new bytes and writes them together as one piece. Commit assembles the pieces at the blob's
/// address with a server-side multipart copy (<see cref="S3BlobAssembler"/>). Pieces stay readable objects, so an
/// upload continued after a restart or on another node re-hashes its staged bytes with plain GETs.
/// </summary>
internal sealed class S3BlobStore : IBlobStore, IDisposable
{
    /// <summary>S3's smallest multipart part except the last.</summary>
    public const int MinimumPartBytes = 5 * 1024 * 1024;

    /// <summary>The part buffer: every piece but the tail's is at most this long.</summary>
    public const int PartBytes = 8 * 1024 * 1024;

    /// <summary>S3's limit of parts in one multipart upload, so of pieces in one upload.</summary>
    public const int MaximumPieces = 10_000;

    /// <summary>A tail of this many small pieces is merged into one, so the state stays short whatever the chunking.</summary>
    private const int MaximumPendingPieces = 64;

    private readonly S3Bucket _bucket;
    private readonly S3KeyLayout _keys;
    private readonly S3PartBuffers _buffers;
    private readonly S3BlobAssembler _assembler;

    public S3BlobStore(S3Bucket bucket, S3KeyLayout keys)
    {
        _bucket = bucket;
        _keys = keys;
        // Two per core keep the object store busy while others fill from the network: 32 MiB on two cores.
        _buffers = new S3PartBuffers(Math.Max(4, Environment.ProcessorCount * 2));
        _assembler = new S3BlobAssembler(bucket, keys, _buffers);
    }

    public long MinimumChunkBytes => MinimumPartBytes;

    /// <summary>The part buffers, which the host empties when it is quiet.</summary>
    public IPooledBuffers Buffers => _buffers;

    public void Dispose() => _buffers.Dispose();

    public async ValueTask<long?> FindSizeAsync(Digest digest, CancellationToken cancellationToken) =>
        await _bucket.FindSizeAsync(_keys.Blob(digest), cancellationToken).ConfigureAwait(false);

    public async ValueTask<Stream> OpenReadAsync(Digest digest, long offset, CancellationToken cancellationToken) =>
        await _bucket.OpenAsync(_keys.Blob(digest), offset, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob unknown to registry: {digest}");

    public ValueTask<StagedUpload> BeginUploadAsync(string id, CancellationToken cancellationToken)
    {
        _ = _keys.Upload(id);
        return ValueTask.FromResult(new StagedUpload(id, 0, S3StagedState.Empty().Format()));
    }

    public async ValueTask<StagedUpload> AppendAsync(StagedUpload upload, Stream source, CancellationToken cancellationToken)
    {
        var state = S3StagedState.Parse(upload);
        var buffer = await _buffers.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The pending tail's bytes go in front of the new ones, but are only fetched when a piece is written with them.
            var pending = (int)state.PendingBytes;
            var fill = pending;
            while (true)
            {
                fill += await ReadFullyAsync(source, buffer.AsMemory(fill, PartBytes - fill), cancellationToken).ConfigureAwait(false);
                if (fill < PartBytes)
                {
                    break;
                }

                await MergeAsync(upload, state, buffer, fill, cancellationToken).ConfigureAwait(false);
                pending = fill = 0;
            }

            if (fill > pending)
            {
                if (fill >= MinimumPartBytes || state.Pieces.Count - state.PendingIndex >= MaximumPendingPieces)
                {
                    await MergeAsync(upload, state, buffer, fill, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await AddPieceAsync(upload, state, buffer, pending, fill - pending, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _buffers.Return(buffer);
        }

        return upload with { Size = state.Size, BackendState = state.Format() };
    }

    public async ValueTask<Stream> OpenStagedAsync(StagedUpload upload, CancellationToken cancellationToken)
    {
        var state = S3StagedState.Parse(upload);
        var keys = state.Pieces.Select(p => (_keys.Piece(upload, p), p.Size)).ToList();
        var stream = new S3PieceStream(_bucket, keys);
        try
        {
            // Open the first piece now, so a staged upload that is gone fails here rather than mid-read.
            await stream.OpenFirstAsync(cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask CommitAsync(StagedUpload upload, Digest verified, CancellationToken cancellationToken)
    {
        var state = S3StagedState.Parse(upload);
        var target = _keys.Blob(verified);
        if (await _bucket.FindSizeAsync(target, cancellationToken).ConfigureAwait(false) is null)
        {
            await _assembler.AssembleAsync(upload, state, target, cancellationToken).ConfigureAwait(false);
        }

        await _bucket.DeletePrefixAsync(_keys.Upload(upload.Id), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask AbortAsync(StagedUpload upload, CancellationToken cancellationToken) =>
        await _bucket.DeletePrefixAsync(_keys.Upload(upload.Id), cancellationToken).ConfigureAwait(false);

    public async ValueTask DeleteAsync(Digest digest, CancellationToken cancellationToken) =>
        await _bucket.DeleteAsync(_keys.Blob(digest), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Writes the pending tail (fetched into the front of <paramref name="buffer"/>) and the new bytes after it as one
    /// piece that replaces the tail.
    /// </summary>
    private async Task MergeAsync(StagedUpload upload, S3StagedState state, byte[] buffer, int fill, CancellationToken cancellationToken)
    {
        var pendingIndex = state.PendingIndex;
        await _assembler.LoadPendingAsync(upload, state, buffer, cancellationToken).ConfigureAwait(false);
        state.Pieces.RemoveRange(pendingIndex, state.Pieces.Count - pendingIndex);
        await AddPieceAsync(upload, state, buffer, 0, fill, cancellationToken).ConfigureAwait(false);
    }

    private async Task AddPieceAsync(StagedUpload upload, S3StagedState state, byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (state.Pieces.Count >= MaximumPieces)
        {
            throw new RegistryException(
                RegistryErrorCode.SizeInvalid,
                $"upload {upload.Id} has reached the object store's limit of {MaximumPieces} parts; send larger chunks");
        }

        var piece = new S3Piece(S3StagedState.NewPieceName(), count);
        await _bucket.PutAsync(_keys.Piece(upload, piece), buffer, offset, count, cancellationToken).ConfigureAwait(false);
        state.Pieces.Add(piece);
    }

    private static async Task<int> ReadFullyAsync(Stream source, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = await source.ReadAsync(destination[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
