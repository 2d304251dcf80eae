using System.Buffers.Binary;
using System.Text;

namespace Berth.Core.Scanning.Languages;

/// <summary>
/// The build information the Go toolchain embeds in an ELF executable (<c>go version -m</c>), read as
/// <c>debug/buildinfo</c> reads it: the <c>.go.buildinfo</c> section (else the first writable PT_LOAD segment) starts
/// with the 14-byte magic <c>"\xff Go buildinf:"</c> at a 16-byte boundary, then the pointer size and flags. Go 1.18+
/// writes the two strings (Go version, module info) inline after a 32-byte header as varint-length bytes (flag 2);
/// earlier versions write two pointers to Go string headers (pointer, length) that live elsewhere in the image, which
/// are followed through the program headers. The module info lists <c>path</c>, <c>mod</c> (main module),
/// <c>dep</c> and <c>=&gt;</c> (replacement of the line before) lines.
/// See https://github.com/golang/go/blob/master/src/debug/buildinfo/buildinfo.go
/// </summary>
public static class GoBuildInfo
{
    private static readonly byte[] Magic = [0xff, .. " Go buildinf:"u8];
    private const int SearchSize = 64 * 1024;
    private const int MaxStringBytes = 4 * 1024 * 1024;

    /// <summary>Whether the first bytes of a file are ELF's magic.</summary>
    public static bool IsElf(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F';

    /// <summary>The Go version and module info text of an ELF executable (seekable), or null when it is not a Go binary.</summary>
    public static (string GoVersion, string ModuleInfo)? Read(Stream elf)
    {
        try
        {
            return ReadCore(elf);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentOutOfRangeException or OverflowException or IOException)
        {
            return null;
        }
    }

    private static (string, string)? ReadCore(Stream elf)
    {
        var ident = ReadAt(elf, 0, 64);
        if (!IsElf(ident) || ident[4] is not (1 or 2) || ident[5] is not (1 or 2))
        {
            return null;
        }

        var is64 = ident[4] == 2;
        var little = ident[5] == 1;
        ulong U(ReadOnlySpan<byte> b, int offset, int size) => size == 8
            ? (little ? BinaryPrimitives.ReadUInt64LittleEndian(b[offset..]) : BinaryPrimitives.ReadUInt64BigEndian(b[offset..]))
            : size == 4 ? (little ? BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]) : BinaryPrimitives.ReadUInt32BigEndian(b[offset..]))
            : (little ? BinaryPrimitives.ReadUInt16LittleEndian(b[offset..]) : BinaryPrimitives.ReadUInt16BigEndian(b[offset..]));

        var w = is64 ? 8 : 4;
        var phoff = (long)U(ident, is64 ? 32 : 28, w);
        var shoff = (long)U(ident, is64 ? 40 : 32, w);
        var phentsize = (int)U(ident, is64 ? 54 : 42, 2);
        var phnum = (int)U(ident, is64 ? 56 : 44, 2);
        var shentsize = (int)U(ident, is64 ? 58 : 46, 2);
        var shnum = (int)U(ident, is64 ? 60 : 48, 2);
        var shstrndx = (int)U(ident, is64 ? 62 : 50, 2);

        var segments = new List<(ulong Vaddr, ulong Offset, ulong Filesz, bool Writable)>();
        if (phnum is > 0 and < 4096 && phentsize >= (is64 ? 56 : 32))
        {
            var table = ReadAt(elf, phoff, phentsize * phnum);
            for (var i = 0; i < phnum; i++)
            {
                var p = table.AsSpan(i * phentsize);
                if (U(p, 0, 4) != 1)
                {
                    continue; // PT_LOAD only
                }

                // Writable and not executable: PF_W without PF_X, as debug/buildinfo picks the data segment.
                var flags = is64 ? U(p, 4, 4) : U(p, 24, 4);
                var writable = (flags & 3) == 2;
                segments.Add(is64
                    ? (U(p, 16, 8), U(p, 8, 8), U(p, 32, 8), writable)
                    : (U(p, 8, 4), U(p, 4, 4), U(p, 16, 4), writable));
            }
        }

        long? start = null;
        if (shnum is > 0 and < 65536 && shentsize >= (is64 ? 64 : 40) && shstrndx < shnum)
        {
            var sections = ReadAt(elf, shoff, shentsize * shnum);
            var names = sections.AsSpan(shstrndx * shentsize);
            var namesOffset = (long)U(names, is64 ? 24 : 16, w);
            var namesSize = (int)Math.Min(U(names, is64 ? 32 : 20, w), 1 << 20);
            var strings = ReadAt(elf, namesOffset, namesSize);
            for (var i = 0; i < shnum && start is null; i++)
            {
                var section = sections.AsSpan(i * shentsize);
                var name = (int)U(section, 0, 4);
                if (name >= 0 && name < strings.Length && strings.AsSpan(name).StartsWith(".go.buildinfo\0"u8))
                {
                    start = (long)U(section, is64 ? 24 : 16, w);
                }
            }
        }

        if (start is null && segments.FirstOrDefault(s => s.Writable) is { Filesz: > 0 } data)
        {
            start = (long)data.Offset;
        }

        if (start is null)
        {
            return null;
        }

        var window = ReadAt(elf, start.Value, (int)Math.Min(SearchSize, Math.Max(0, elf.Length - start.Value)));
        var at = -1;
        for (var i = 0; i + 32 <= window.Length; i += 16)
        {
            if (window.AsSpan(i, Magic.Length).SequenceEqual(Magic))
            {
                at = i;
                break;
            }
        }

        if (at < 0)
        {
            return null;
        }

        var header = window.AsSpan(at);
        var pointerSize = header[14];
        var headerFlags = header[15];
        if ((headerFlags & 2) != 0)
        {
            var position = start.Value + at + 32;
            var version = ReadVarintBytes(elf, ref position);
            var modules = ReadVarintBytes(elf, ref position);
            return (Encoding.UTF8.GetString(version), StripSentinels(modules));
        }

        if (pointerSize is not (4 or 8))
        {
            return null;
        }

        var bigEndian = (headerFlags & 1) != 0;
        ulong Pointer(ReadOnlySpan<byte> b, int offset) => pointerSize == 8
            ? (bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b[offset..]) : BinaryPrimitives.ReadUInt64LittleEndian(b[offset..]))
            : (bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]));

        byte[]? GoString(ulong address)
        {
            if (OffsetOf(segments, address) is not { } headerOffset)
            {
                return null;
            }

            var stringHeader = ReadAt(elf, headerOffset, pointerSize * 2);
            var dataAddress = Pointer(stringHeader, 0);
            var length = Pointer(stringHeader, pointerSize);
            if (length > MaxStringBytes || OffsetOf(segments, dataAddress) is not { } dataOffset)
            {
                return null;
            }

            return ReadAt(elf, dataOffset, (int)length);
        }

        var goVersion = GoString(Pointer(header, 16));
        var moduleInfo = GoString(Pointer(header, 16 + pointerSize));
        return goVersion is null ? null : (Encoding.UTF8.GetString(goVersion), StripSentinels(moduleInfo ?? []));
    }

    private static long? OffsetOf(List<(ulong Vaddr, ulong Offset, ulong Filesz, bool Writable)> segments, ulong address)
    {
        foreach (var s in segments)
        {
            if (address >= s.Vaddr && address - s.Vaddr < s.Filesz)
            {
                return (long)(s.Offset + (address - s.Vaddr));
            }
        }

        return null;
    }

    /// <summary>The module info is framed by 16-byte sentinels that <c>debug/buildinfo</c> strips.</summary>
    private static string StripSentinels(byte[] modules) =>
        Encoding.UTF8.GetString(modules.Length >= 33 && modules[^17] == (byte)'\n' ? modules.AsSpan(16, modules.Length - 32) : modules);

    private static byte[] ReadVarintBytes(Stream elf, ref long position)
    {
        var head = ReadAt(elf, position, (int)Math.Min(10, elf.Length - position));
        ulong length = 0;
        var shift = 0;
        var used = 0;
        foreach (var b in head)
        {
            used++;
            length |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }

            shift += 7;
        }

        if (length > MaxStringBytes)
        {
            throw new OverflowException("Go build info string too long.");
        }

        var bytes = ReadAt(elf, position + used, (int)length);
        position += used + (long)length;
        return bytes;
    }

    private static byte[] ReadAt(Stream stream, long offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > stream.Length)
        {
            throw new EndOfStreamException();
        }

        var buffer = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }
}
