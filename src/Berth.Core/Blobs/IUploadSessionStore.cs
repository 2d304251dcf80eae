namespace Berth.Core.Blobs;

/// <summary>Persists upload sessions between requests and across restarts.</summary>
public interface IUploadSessionStore
{
    ValueTask CreateAsync(UploadSession session, CancellationToken cancellationToken);

    /// <summary>The session with this id, or null.</summary>
    ValueTask<UploadSession?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Saves the new staged state and update time of an existing session.</summary>
    ValueTask UpdateAsync(UploadSession session, CancellationToken cancellationToken);

    /// <summary>Removes a session; succeeds when it is already gone.</summary>
    ValueTask DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Sessions last updated before <paramref name="cutoff"/>, oldest first, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<UploadSession>> ListStaleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves <paramref name="digest"/> for the completing upload <paramref name="id"/>: garbage collection treats
    /// it as referenced until the session is deleted. False, with nothing changed, while a garbage-collection sweep
    /// holds a tombstone on the digest (its bytes are being deleted; the caller retries later) or when the session is
    /// gone. Idempotent.
    /// </summary>
    ValueTask<bool> ReserveDigestAsync(string id, Content.Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Holds upload <paramref name="id"/> exclusively, across every Berth node that shares this store, until the result
    /// is disposed; waits while another node holds it. A node that dies releases what it held. A store only one process
    /// uses may return at once: <see cref="OpenUploads"/> already serializes the requests of one process.
    /// </summary>
    ValueTask<IAsyncDisposable> LockAsync(string id, CancellationToken cancellationToken);
}
