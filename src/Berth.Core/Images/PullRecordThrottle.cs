using System.Collections.Concurrent;
using Berth.Core.Content;

namespace Berth.Core.Images;

/// <summary>
/// Spares the metadata store the "is this pull due to be recorded?" read on every manifest GET: once this node has
/// asked for an image, it does not ask again for <see cref="Pause"/>. lastRecordedPullTime is written at most once per
/// <see cref="ImageCatalogService.PullRecordInterval"/> anyway, so a recording is at most this much later than it would
/// be otherwise. Bounded: past <see cref="Capacity"/> images the map starts over.
/// </summary>
public sealed class PullRecordThrottle
{
    public static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<(string Account, string Region, string Repository, Digest Digest), DateTimeOffset> _asked = new();
    private int _additions;

    /// <summary>Whether the store should be asked now; if so, the next ask for the image is due after <see cref="Pause"/>.</summary>
    public bool ShouldAsk(string account, string region, string repository, Digest digest, DateTimeOffset now)
    {
        var key = (account, region, repository, digest);
        if (_asked.TryGetValue(key, out var until) && now < until)
        {
            return false;
        }

        if (Interlocked.Increment(ref _additions) > Capacity)
        {
            _asked.Clear();
            Interlocked.Exchange(ref _additions, 1);
        }

        _asked[key] = now + Pause;
        return true;
    }
}
