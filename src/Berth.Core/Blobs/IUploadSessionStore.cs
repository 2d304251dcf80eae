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
}
