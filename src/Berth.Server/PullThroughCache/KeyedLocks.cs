namespace Berth.Server.PullThroughCache;

/// <summary>In-process mutual exclusion per key (a cached tag's refresh), with no state left for keys nobody holds.</summary>
internal sealed class KeyedLocks
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_locks)
        {
            var entry = _locks.TryGetValue(key, out var existing) ? existing : (new SemaphoreSlim(1, 1), 0);
            _locks[key] = (entry.Item1, entry.Item2 + 1);
            gate = entry.Item1;
        }

        try
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(key, gate, held: false);
            throw;
        }

        return new Holder(this, key, gate);
    }

    private void Release(string key, SemaphoreSlim gate, bool held)
    {
        if (held)
        {
            gate.Release();
        }

        lock (_locks)
        {
            var (_, users) = _locks[key];
            if (users == 1)
            {
                _locks.Remove(key);
                gate.Dispose();
            }
            else
            {
                _locks[key] = (gate, users - 1);
            }
        }
    }

    private sealed class Holder(KeyedLocks owner, string key, SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(key, gate, held: true);
            }
        }
    }
}
