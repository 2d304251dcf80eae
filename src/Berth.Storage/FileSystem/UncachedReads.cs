using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace Berth.Storage.FileSystem;

/// <summary>
/// Decides whether a blob read bypasses the page cache. With direct I/O on, a pushed blob never enters the cache, and
/// reading it through the cache would allocate and fill a page per 4 KiB only for those pages to sit there: the first
/// read of a blob (almost) none of whose pages are cached goes to the device directly. A blob read again within
/// <see cref="Window"/> is read through the cache, so blobs that are pulled often (a base layer every CI job pulls)
/// end up cached and are then served from memory, while a blob pulled once does not push others out.
/// Small blobs always go through the cache: they cost little to keep and are read often (configs).
/// </summary>
internal sealed class UncachedReads
{
    public const long MinimumBytes = 1024 * 1024;
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private const int Remembered = 4096;
    private readonly ConcurrentDictionary<string, long> _readDirectly = new(StringComparer.Ordinal);

    /// <summary>True when this read of <paramref name="key"/> should bypass the page cache.</summary>
    public bool ShouldBypass(SafeFileHandle file, string key, long length)
    {
        // "Not cached" allows a few pages: a direct write's last partial block comes into the cache when the padded
        // file is truncated to its length, and a range read may have cached a piece.
        if (length < MinimumBytes || PageCache.CachedPages(file) is not { } cached || cached * Environment.SystemPageSize > length / 16)
        {
            return false;
        }

        var now = Environment.TickCount64;
        if (_readDirectly.TryRemove(key, out var at) && now - at < Window.TotalMilliseconds)
        {
            return false;
        }

        if (_readDirectly.Count >= Remembered)
        {
            // Forgetting only makes a blob's second read direct too; the set stays bounded whatever is pulled.
            _readDirectly.Clear();
        }

        _readDirectly[key] = now;
        return true;
    }
}
