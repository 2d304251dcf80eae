using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Berth.Core.Blobs;

/// <summary>
/// The process-wide state of open uploads, whatever their registry: one lock and running hash per upload id, and the
/// discarding of uploads (cancelled, failed, or idle past the limit). <see cref="BlobUploadService"/> serves one
/// registry per request and shares this table, so requests on one upload are serialized across registries and requests.
/// </summary>
public sealed class OpenUploads(IBlobStore blobs, IUploadSessionStore sessions)
{
    private readonly ConcurrentDictionary<string, UploadState> _states = new(StringComparer.Ordinal);

    /// <summary>The state of an upload, created when absent.</summary>
    internal UploadState Get(string id) => _states.GetOrAdd(id, static _ => new UploadState());

    /// <summary>
    /// Holds an upload for one request: first this process's lock on it, then the store's lock across nodes, so that
    /// the session read next is the one every node sees and no other node appends meanwhile.
    /// </summary>
    internal async ValueTask<Hold> HoldAsync(string id, CancellationToken cancellationToken)
    {
        var state = Get(id);
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new Hold(state, await sessions.LockAsync(id, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            ForgetIfEmpty(id, state);
            state.Lock.Release();
            throw;
        }
    }

    /// <summary>Removes the state of an upload if it is still this one.</summary>
    internal void Forget(string id, UploadState state)
    {
        state.Reset();
        _states.TryRemove(new KeyValuePair<string, UploadState>(id, state));
    }

    /// <summary>Drops a state that never held a hash (an unknown id), so made-up ids cannot grow the table.</summary>
    internal void ForgetIfEmpty(string id, UploadState state)
    {
        if (state.Hash is null)
        {
            _states.TryRemove(new KeyValuePair<string, UploadState>(id, state));
        }
    }

    /// <summary>Discards an upload's staged bytes, session and state; the caller holds its lock.</summary>
    internal async ValueTask DiscardAsync(UploadSession session)
    {
        // Cleanup runs even when the request was cancelled, with its own bound.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await blobs.AbortAsync(session.Staged, timeout.Token).ConfigureAwait(false);
        await sessions.DeleteAsync(session.Id, timeout.Token).ConfigureAwait(false);
        BlobUploadMetrics.InProgress.Add(-1);
        if (_states.TryGetValue(session.Id, out var state))
        {
            Forget(session.Id, state);
        }
    }

    /// <summary>
    /// Drops this process's state of uploads whose session is gone (completed or cancelled on another node of a
    /// cluster), so that a node does not keep a lock and a hash for every upload it once served; returns how many.
    /// States held by a request are left alone. Runs on every node.
    /// </summary>
    public async ValueTask<int> ForgetFinishedAsync(CancellationToken cancellationToken)
    {
        var forgotten = 0;
        foreach (var (id, state) in _states)
        {
            if (!state.Lock.Wait(0, cancellationToken))
            {
                continue;
            }

            try
            {
                // A request that took this state before it is dropped finds no session and answers BLOB_UPLOAD_UNKNOWN.
                if (await sessions.FindAsync(id, cancellationToken).ConfigureAwait(false) is null)
                {
                    Forget(id, state);
                    forgotten++;
                }
            }
            finally
            {
                state.Lock.Release();
            }
        }

        return forgotten;
    }

    /// <summary>Removes uploads of every registry idle since before <paramref name="cutoff"/>; returns how many.</summary>
    public async ValueTask<int> PurgeStaleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var stale = await sessions.ListStaleAsync(cutoff, 1000, cancellationToken).ConfigureAwait(false);
        foreach (var session in stale)
        {
            var hold = await HoldAsync(session.Id, cancellationToken).ConfigureAwait(false);
            await using (hold.ConfigureAwait(false))
            {
                // Another node may have continued it since the listing.
                var current = await sessions.FindAsync(session.Id, cancellationToken).ConfigureAwait(false);
                if (current is not null && current.UpdatedAt < cutoff)
                {
                    await DiscardAsync(current).ConfigureAwait(false);
                }
            }
        }

        return stale.Count;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the staged bytes of upload <paramref name="id"/> while holding it (no append of
    /// it runs meanwhile, on any node), if its session still exists and was last updated at or before
    /// <paramref name="cutoff"/>; returns null otherwise. Garbage collection removes the leftovers of idle uploads so.
    /// </summary>
    public async ValueTask<T?> WithIdleAsync<T>(string id, DateTimeOffset cutoff, Func<StagedUpload, ValueTask<T>> work, CancellationToken cancellationToken)
        where T : struct
    {
        var hold = await HoldAsync(id, cancellationToken).ConfigureAwait(false);
        await using (hold.ConfigureAwait(false))
        {
            var session = await sessions.FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                ForgetIfEmpty(id, hold.State);
                return null;
            }

            if (session.UpdatedAt > cutoff)
            {
                return null;
            }

            return await work(session.Staged).ConfigureAwait(false);
        }
    }

    /// <summary>An upload held by <see cref="HoldAsync"/>; disposing releases the store's lock, then this process's.</summary>
    internal sealed class Hold(UploadState state, IAsyncDisposable storeLock) : IAsyncDisposable
    {
        public UploadState State => state;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await storeLock.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                state.Lock.Release();
            }
        }
    }

    internal sealed class UploadState
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public IncrementalHash? Hash { get; set; }

        public long Offset { get; set; }

        public void Reset()
        {
            Hash?.Dispose();
            Hash = null;
            Offset = 0;
        }
    }
}
