using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Storage.FileSystem;

/// <summary>
/// How much of a file the page cache holds, from Linux's cachestat(2) (6.5 and later): one system call, no mapping of
/// the file. Null where it cannot say (another platform, an older kernel, seccomp refusing the call).
/// </summary>
internal static partial class PageCache
{
    // New system calls share one number on every architecture since 5.x (asm-generic/unistd.h and the x86 tables).
    private const long CachestatCall = 451;

    /// <summary>The number of the file's pages in the page cache, or null when the kernel cannot tell.</summary>
    public static long? CachedPages(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var range = default(CachestatRange); // length 0: the whole file
        var stat = default(Cachestat);
        return Syscall(CachestatCall, file.DangerousGetHandle(), ref range, out stat, 0) == 0 ? (long)stat.Cache : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CachestatRange
    {
        public ulong Offset;
        public ulong Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Cachestat
    {
        public ulong Cache;
        public ulong Dirty;
        public ulong Writeback;
        public ulong Evicted;
        public ulong RecentlyEvicted;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nint fd, ref CachestatRange range, out Cachestat stat, uint flags);
}
