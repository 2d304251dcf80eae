using Microsoft.Win32.SafeHandles;

namespace Berth.Storage.FileSystem;

/// <summary>
/// Decides whether a blob read bypasses the page cache. With direct I/O on, a pushed blob never enters the cache;
/// reading it through the cache would allocate and fill a page per 4 KiB for every pull, and on the machines measured
/// that costs more than the reads it later saves (docs/ARCHITECTURE.md has the figures). So a blob of 1 MiB or more
/// that the cache (almost) does not hold is read from the device directly; one the cache holds (written before direct
/// I/O was turned on, or on a filesystem that refuses it) is read through the cache. Small blobs (configs) always go
/// through the cache: they cost little to keep and are read often.
/// </summary>
internal static class UncachedReads
{
    public const long MinimumBytes = 1024 * 1024;

    /// <summary>True when this read should bypass the page cache.</summary>
    public static bool ShouldBypass(SafeFileHandle file, long length) =>
        // "Not cached" allows a few pages: a direct write's last partial block comes into the cache when the padded
        // file is truncated to its length, and a range read may have cached a piece.
        length >= MinimumBytes && PageCache.CachedPages(file) is { } cached && cached * Environment.SystemPageSize <= length / 16;
}
