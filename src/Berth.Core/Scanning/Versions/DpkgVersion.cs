namespace Berth.Core.Scanning.Versions;

/// <summary>
/// Debian's version ordering, as <c>dpkg --compare-versions</c> applies it: <c>[epoch:]upstream[-revision]</c>, the
/// epoch compared as a number, then upstream and revision each by dpkg's <c>verrevcmp</c>: alternating runs of
/// non-digits (letters before other characters, <c>~</c> before everything, even the end) and digits (as numbers).
/// See https://www.debian.org/doc/debian-policy/ch-controlfields.html#version
/// </summary>
public static class DpkgVersion
{
    /// <summary>Negative, zero or positive as <paramref name="a"/> sorts before, with or after <paramref name="b"/>.</summary>
    public static int Compare(string a, string b)
    {
        var (epochA, upstreamA, revisionA) = Split(a.Trim());
        var (epochB, upstreamB, revisionB) = Split(b.Trim());
        var epoch = epochA.CompareTo(epochB);
        if (epoch != 0)
        {
            return epoch;
        }

        var upstream = VerRevCmp(upstreamA, upstreamB);
        return upstream != 0 ? upstream : VerRevCmp(revisionA, revisionB);
    }

    private static (long Epoch, string Upstream, string Revision) Split(string version)
    {
        long epoch = 0;
        var colon = version.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && long.TryParse(version.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            epoch = parsed;
            version = version[(colon + 1)..];
        }

        var dash = version.LastIndexOf('-');
        return dash >= 0 ? (epoch, version[..dash], version[(dash + 1)..]) : (epoch, version, string.Empty);
    }

    private static int Order(char c) => c switch
    {
        '\0' => 0,
        >= '0' and <= '9' => 0,
        (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') => c,
        '~' => -1,
        _ => c + 256,
    };

    private static int VerRevCmp(string a, string b)
    {
        int i = 0, j = 0;
        char At(string s, int k) => k < s.Length ? s[k] : '\0';
        while (i < a.Length || j < b.Length)
        {
            var firstDiff = 0;
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var ac = Order(At(a, i));
                var bc = Order(At(b, j));
                if (ac != bc)
                {
                    return ac - bc;
                }

                i++;
                j++;
            }

            while (At(a, i) == '0')
            {
                i++;
            }

            while (At(b, j) == '0')
            {
                j++;
            }

            while (char.IsAsciiDigit(At(a, i)) && char.IsAsciiDigit(At(b, j)))
            {
                if (firstDiff == 0)
                {
                    firstDiff = a[i] - b[j];
                }

                i++;
                j++;
            }

            if (char.IsAsciiDigit(At(a, i)))
            {
                return 1;
            }

            if (char.IsAsciiDigit(At(b, j)))
            {
                return -1;
            }

            if (firstDiff != 0)
            {
                return firstDiff;
            }
        }

        return 0;
    }
}
