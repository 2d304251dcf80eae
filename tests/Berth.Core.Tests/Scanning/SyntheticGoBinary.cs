using System.Buffers.Binary;
using System.Text;

namespace Berth.Core.Tests.Scanning;

/// <summary>
/// A minimal 64-bit little-endian ELF file with Go build info in the data segment, in either of the toolchain's two
/// forms: Go 1.18+'s inline strings, or the older pointers to Go string headers whose bytes live in a read-only
/// segment (which this machine's Go cannot produce). No section headers, so the reader must use the program headers.
/// </summary>
internal static class SyntheticGoBinary
{
    // The 16-byte sentinels cmd/go frames the module info with (runtime/debug's modinfo).
    private static readonly byte[] InfoStart = [0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6];
    private static readonly byte[] InfoEnd = [0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2];

    public static byte[] Build(string goVersion, string moduleInfo, bool inline)
    {
        const ulong TextBase = 0x400000, DataBase = 0x600000;
        const int RodataOffset = 0x100, DataOffset = 0x1000;
        var file = new byte[0x2000];
        var version = Encoding.UTF8.GetBytes(goVersion);
        var modules = InfoStart.Concat(Encoding.UTF8.GetBytes(moduleInfo)).Concat(InfoEnd).ToArray();

        // ELF header.
        ((byte[])[0x7f, (byte)'E', (byte)'L', (byte)'F']).CopyTo(file, 0);
        file[4] = 2;
        file[5] = 1;
        file[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(18), 62);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(32), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(56), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(58), 64);
        Segment(file.AsSpan(64), flags: 5, offset: 0, vaddr: TextBase, size: DataOffset);
        Segment(file.AsSpan(64 + 56), flags: 6, offset: DataOffset, vaddr: DataBase, size: 0x1000);

        var info = file.AsSpan(DataOffset);
        info[0] = 0xff;
        " Go buildinf:"u8.CopyTo(info[1..]);
        info[14] = 8;
        if (inline)
        {
            info[15] = 2;
            var at = 32;
            foreach (var text in new[] { version, modules })
            {
                at += WriteVarint(info[at..], (ulong)text.Length);
                text.CopyTo(info[at..]);
                at += text.Length;
            }
        }
        else
        {
            // Strings in the read-only segment; their headers after the blob; the blob points at the headers.
            version.CopyTo(file.AsSpan(RodataOffset));
            modules.CopyTo(file.AsSpan(RodataOffset + 0x100));
            BinaryPrimitives.WriteUInt64LittleEndian(info[16..], DataBase + 64);
            BinaryPrimitives.WriteUInt64LittleEndian(info[24..], DataBase + 80);
            BinaryPrimitives.WriteUInt64LittleEndian(info[64..], TextBase + RodataOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(info[72..], (ulong)version.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(info[80..], TextBase + RodataOffset + 0x100);
            BinaryPrimitives.WriteUInt64LittleEndian(info[88..], (ulong)modules.Length);
        }

        return file;
    }

    private static void Segment(Span<byte> header, uint flags, ulong offset, ulong vaddr, ulong size)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], flags);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], size);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], size);
    }

    private static int WriteVarint(Span<byte> target, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            target[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        target[i++] = (byte)value;
        return i;
    }
}
