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
        if (_states.TryGetValue(session.Id, out var state))
        {
            Forget(session.Id, state);
        }
    }

    /// <summary>Removes uploads of every registry idle since before <paramref name="cutoff"/>; returns how many.</summary>
    public async ValueTask<int> PurgeStaleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var stale = await sessions.ListStaleAsync(cutoff, 1000, cancellationToken).ConfigureAwait(false);
        foreach (var session in stale)
        {
            var state = Get(session.Id);
            await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await DiscardAsync(session).ConfigureAwait(false);
            }
            finally
            {
                state.Lock.Release();
            }
        }

        return stale.Count;
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
