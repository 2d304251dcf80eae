using Berth.Core.Content;

namespace Berth.Core.Blobs;

/// <summary>
/// Content-addressed bytes. Knows nothing of repositories, tags or policies: a blob is stored once, whatever
/// the number of repositories that link it. Implementations are safe for concurrent use; concurrent calls on
/// the same staged upload are not (the upload service serializes them).
/// </summary>
public interface IBlobStore
{
    /// <summary>The smallest chunk the store accepts except for the last one (OCI-Chunk-Min-Length).</summary>
    long MinimumChunkBytes { get; }

    /// <summary>The size of a stored blob, or null when the store does not hold it.</summary>
    ValueTask<long?> FindSizeAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a stored blob for reading from <paramref name="offset"/>. Throws <see cref="Errors.RegistryException"/>
    /// BLOB_UNKNOWN when the blob is absent.
    /// </summary>
    ValueTask<Stream> OpenReadAsync(Digest digest, long offset, CancellationToken cancellationToken);

    /// <summary>Creates an empty staged upload with the given id.</summary>
    ValueTask<StagedUpload> BeginUploadAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Streams <paramref name="source"/> to the end of the staged upload. Bytes beyond <see cref="StagedUpload.Size"/>
    /// left by an interrupted append are discarded first, so the recorded size is always the truth; a staged upload
    /// shorter than its recorded size (a machine crash lost its tail) is refused with BLOB_UPLOAD_UNKNOWN. The bytes
    /// must survive the process, not necessarily the machine: <see cref="CommitAsync"/> makes them durable.
    /// Returns the new state.
    /// </summary>
    ValueTask<StagedUpload> AppendAsync(StagedUpload upload, Stream source, CancellationToken cancellationToken);

    /// <summary>Reads the first <see cref="StagedUpload.Size"/> bytes of a staged upload back, to re-hash it.</summary>
    ValueTask<Stream> OpenStagedAsync(StagedUpload upload, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a staged upload, already verified to hash to <paramref name="verified"/>, to its content address.
    /// Atomic: afterwards the blob is whole at its address or absent. Idempotent when the blob already exists.
    /// </summary>
    ValueTask CommitAsync(StagedUpload upload, Digest verified, CancellationToken cancellationToken);

    /// <summary>Discards a staged upload. Succeeds when it is already gone.</summary>
    ValueTask AbortAsync(StagedUpload upload, CancellationToken cancellationToken);

    /// <summary>Deletes a stored blob. Succeeds when it is already gone.</summary>
    ValueTask DeleteAsync(Digest digest, CancellationToken cancellationToken);
}
