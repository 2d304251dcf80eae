using System.Text;

namespace Berth.Core.SigV4;

/// <summary>
/// SigV4's URI encoding: every byte outside the RFC 3986 unreserved set (<c>A-Z a-z 0-9 - . _ ~</c>) becomes
/// <c>%XY</c> with upper-case hex. See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html.
/// </summary>
internal static class UriEncoding
{
    public static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    /// <summary>Appends <paramref name="bytes"/> encoded; <c>/</c> is kept as is when <paramref name="keepSlash"/>.</summary>
    public static void AppendEncoded(StringBuilder builder, ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == (byte)'/'))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(Convert.ToHexString([b]));
            }
        }
    }

    public static string Encode(ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        var builder = new StringBuilder(bytes.Length * 3);
        AppendEncoded(builder, bytes, keepSlash);
        return builder.ToString();
    }

    /// <summary>
    /// Decodes <c>%XY</c> escapes to bytes. Text that is not a valid escape (a lone <c>%</c>) and <c>+</c> are kept
    /// literally: SigV4 clients encode a space as <c>%20</c>, never as <c>+</c>.
    /// </summary>
    public static byte[] PercentDecode(string value)
    {
        var raw = Encoding.UTF8.GetBytes(value);
        if (Array.IndexOf(raw, (byte)'%') < 0)
        {
            return raw;
        }

        var decoded = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'%' && i + 2 < raw.Length
                && TryHex(raw[i + 1], out var high) && TryHex(raw[i + 2], out var low))
            {
                decoded.Add((byte)((high << 4) | low));
                i += 2;
            }
            else
            {
                decoded.Add(raw[i]);
            }
        }

        return [.. decoded];
    }

    private static bool TryHex(byte c, out int value)
    {
        value = c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
