using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Berth.Core.Blobs;

/// <summary>The inclusive byte range of an upload chunk, <c>^[0-9]+-[0-9]+$</c> (distribution-spec, PATCH).</summary>
public readonly record struct ChunkRange(long Start, long End)
{
    public long Length => End - Start + 1;

    /// <summary>Parses "start-end"; also accepts a leading "bytes=" or "bytes " as some clients send.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out ChunkRange range)
    {
        range = default;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var text = value.AsSpan().Trim();
        if (text.StartsWith("bytes=", StringComparison.Ordinal) || text.StartsWith("bytes ", StringComparison.Ordinal))
        {
            text = text[6..];
        }

        var dash = text.IndexOf('-');
        if (dash <= 0 ||
            !long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ||
            !long.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var end) ||
            end < start)
        {
            return false;
        }

        range = new ChunkRange(start, end);
        return true;
    }
}
