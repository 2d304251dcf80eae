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
    /// Holds upload <paramref name="id"/> exclusively, across every Berth node that shares this store, until the result
    /// is disposed; waits while another node holds it. A node that dies releases what it held. A store only one process
    /// uses may return at once: <see cref="OpenUploads"/> already serializes the requests of one process.
    /// </summary>
    ValueTask<IAsyncDisposable> LockAsync(string id, CancellationToken cancellationToken);
}
