using System.Text;

namespace Berth.Core.SigV4;

/// <summary>The second and third lines of the canonical request: canonical URI and canonical query string.</summary>
internal static class CanonicalUri
{
    /// <summary>
    /// Standard: remove <c>.</c>, <c>..</c> and empty segments (RFC 3986 5.2.4, plus AWS's collapsing of <c>//</c>),
    /// then encode the path as sent, so escapes are encoded a second time. S3: keep every segment, encode once.
    /// </summary>
    public static string Path(string rawPath, CanonicalPathStyle style)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        if (style == CanonicalPathStyle.S3)
        {
            // Segment by segment, so an escaped slash inside a key (%2F) stays escaped.
            return string.Join('/', rawPath.Split('/')
                .Select(static segment => UriEncoding.Encode(UriEncoding.PercentDecode(segment), keepSlash: false)));
        }

        return UriEncoding.Encode(Encoding.UTF8.GetBytes(RemoveDotSegments(rawPath)), keepSlash: true);
    }

    /// <summary>
    /// Decodes each <c>name=value</c> pair, encodes it again, sorts by encoded name then value (ordinal) and joins with
    /// <c>&amp;</c>. A name without <c>=</c> gets an empty value. <paramref name="excludeName"/> (the presigned
    /// <c>X-Amz-Signature</c>) is left out.
    /// </summary>
    public static string Query(string rawQuery, string? excludeName = null)
    {
        var pairs = new List<(string Name, string Value)>();
        foreach (var (rawName, rawValue) in SplitQuery(rawQuery))
        {
            // Re-encode from the decoded bytes, not from a string, so invalid UTF-8 survives unchanged.
            var name = UriEncoding.Encode(UriEncoding.PercentDecode(rawName), keepSlash: false);
            if (excludeName is not null && name == excludeName)
            {
                continue;
            }

            pairs.Add((name, UriEncoding.Encode(UriEncoding.PercentDecode(rawValue), keepSlash: false)));
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(static p => p.Name + "=" + p.Value));
    }

    /// <summary>The query's pairs, percent-decoded as UTF-8, in the order sent.</summary>
    public static IEnumerable<(string Name, string Value)> ParseQuery(string rawQuery) =>
        SplitQuery(rawQuery).Select(static p => (Decode(p.Name), Decode(p.Value)));

    private static IEnumerable<(string Name, string Value)> SplitQuery(string rawQuery)
    {
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0 ? (part, string.Empty) : (part[..equals], part[(equals + 1)..]);
        }
    }

    private static string Decode(string value) => Encoding.UTF8.GetString(UriEncoding.PercentDecode(value));

    private static string RemoveDotSegments(string path)
    {
        var output = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }

                continue;
            }

            output.Add(segment);
        }

        var leading = path.StartsWith('/') ? "/" : string.Empty;
        var trailing = path.EndsWith('/') && output.Count > 0 ? "/" : string.Empty;
        var joined = leading + string.Join('/', output) + trailing;
        return joined.Length == 0 ? "/" : joined;
    }
}
