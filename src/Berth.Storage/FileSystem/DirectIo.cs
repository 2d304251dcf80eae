using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Storage.FileSystem;

/// <summary>
/// O_DIRECT on Linux: writes go from the process's buffer to the device, bypassing the page cache. .NET opens files
/// without it and has no option for it, so it is added with fcntl(F_SETFL) after the open. Filesystems that do not
/// support it (tmpfs on older kernels, some FUSE and network filesystems) refuse with EINVAL; the caller then writes
/// through the page cache as before. Direct I/O needs the buffer address, the length and the file offset aligned to
/// the device's logical block size; <see cref="Alignment"/> (4 KiB) is a multiple of every common one.
/// </summary>
internal static partial class DirectIo
{
    public const int Alignment = 4096;

    private const int GetStatusFlags = 3;
    private const int SetStatusFlags = 4;

    /// <summary>Adds O_DIRECT to an open file; false when the platform or the filesystem does not support it.</summary>
    public static bool TryEnable(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux() || DirectFlag() is not { } direct)
        {
            return false;
        }

        var fd = (int)file.DangerousGetHandle();
        var flags = Fcntl(fd, GetStatusFlags, 0);
        return flags >= 0 && Fcntl(fd, SetStatusFlags, flags | direct) == 0;
    }

    /// <summary>The value of O_DIRECT, which differs between architectures (asm-generic, and arm's own).</summary>
    private static int? DirectFlag() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => null,
    };

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
