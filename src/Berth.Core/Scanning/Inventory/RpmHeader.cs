using System.Buffers.Binary;
using System.Text;

namespace Berth.Core.Scanning.Inventory;

/// <summary>
/// Reads one package's header blob as the rpmdb stores it (the <c>Packages</c> table of <c>rpmdb.sqlite</c>): big-endian
/// index count and data length, 16-byte index entries (tag, type, offset, count), then the data store. Only the tags
/// the scanner needs are read: NAME (1000), VERSION (1001), RELEASE (1002), EPOCH (1003), SOURCERPM (1044).
/// See https://rpm-software-management.github.io/rpm/manual/format_header.html
/// </summary>
public static class RpmHeader
{
    private const int TagName = 1000;
    private const int TagVersion = 1001;
    private const int TagRelease = 1002;
    private const int TagEpoch = 1003;
    private const int TagSourceRpm = 1044;
    private const int TypeInt32 = 4;
    private const int TypeString = 6;

    /// <summary>The package, or null when the blob is malformed or lacks a name or version (e.g. gpg-pubkey entries still have both).</summary>
    public static InstalledPackage? Parse(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 8)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(blob);
        var dataLength = BinaryPrimitives.ReadInt32BigEndian(blob[4..]);
        var dataStart = 8L + 16L * count;
        if (count <= 0 || dataLength < 0 || dataStart + dataLength > blob.Length)
        {
            return null;
        }

        var data = blob.Slice((int)dataStart, dataLength);
        string? name = null, version = null, release = null, sourceRpm = null;
        int? epoch = null;
        for (var i = 0; i < count; i++)
        {
            var entry = blob.Slice(8 + 16 * i, 16);
            var tag = BinaryPrimitives.ReadInt32BigEndian(entry);
            var type = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            var offset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
            if (offset < 0 || offset >= data.Length)
            {
                continue;
            }

            if (type == TypeString)
            {
                var rest = data[offset..];
                var end = rest.IndexOf((byte)0);
                var text = Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
                switch (tag)
                {
                    case TagName: name = text; break;
                    case TagVersion: version = text; break;
                    case TagRelease: release = text; break;
                    case TagSourceRpm: sourceRpm = text; break;
                }
            }
            else if (type == TypeInt32 && tag == TagEpoch && offset + 4 <= data.Length)
            {
                epoch = BinaryPrimitives.ReadInt32BigEndian(data[offset..]);
            }
        }

        if (name is null || version is null)
        {
            return null;
        }

        var evr = (epoch is { } e ? $"{e}:" : string.Empty) + version + (release is null ? string.Empty : "-" + release);
        return new InstalledPackage(name, evr, SourceName(sourceRpm) ?? name, evr);
    }

    /// <summary>"openssl-3.0.7-24.el9.src.rpm" → "openssl": the name before the version and release.</summary>
    private static string? SourceName(string? sourceRpm)
    {
        if (sourceRpm is null)
        {
            return null;
        }

        var nvr = sourceRpm.EndsWith(".src.rpm", StringComparison.Ordinal) ? sourceRpm[..^".src.rpm".Length]
            : sourceRpm.EndsWith(".nosrc.rpm", StringComparison.Ordinal) ? sourceRpm[..^".nosrc.rpm".Length] : sourceRpm;
        var releaseDash = nvr.LastIndexOf('-');
        var versionDash = releaseDash > 0 ? nvr.LastIndexOf('-', releaseDash - 1) : -1;
        return versionDash > 0 ? nvr[..versionDash] : null;
    }
}
