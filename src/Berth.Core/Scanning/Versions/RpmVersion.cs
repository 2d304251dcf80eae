namespace Berth.Core.Scanning.Versions;

/// <summary>
/// RPM's version ordering: <c>[epoch:]version[-release]</c>, the epoch as a number (none is 0), then version and
/// release each by rpm's <c>rpmvercmp</c>: separators skipped, runs of digits compared as numbers and runs of letters
/// as strings, a digit run newer than a letter run, <c>~</c> older than anything (even the end), <c>^</c> newer than
/// the end but older than anything else.
/// See https://github.com/rpm-software-management/rpm/blob/master/rpmio/rpmvercmp.cc
/// </summary>
public static class RpmVersion
{
    /// <summary>Negative, zero or positive as <paramref name="a"/> sorts before, with or after <paramref name="b"/>.</summary>
    public static int Compare(string a, string b)
    {
        var (epochA, versionA, releaseA) = Split(a.Trim());
        var (epochB, versionB, releaseB) = Split(b.Trim());
        var epoch = epochA.CompareTo(epochB);
        if (epoch != 0)
        {
            return Math.Sign(epoch);
        }

        var version = VerCmp(versionA, versionB);
        return version != 0 ? version : VerCmp(releaseA, releaseB);
    }

    /// <summary>A version without a release matches any release of it, as in rpm's dependency ranges.</summary>
    private static (long Epoch, string Version, string? Release) Split(string evr)
    {
        long epoch = 0;
        var colon = evr.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && long.TryParse(evr.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            epoch = parsed;
            evr = evr[(colon + 1)..];
        }

        var dash = evr.LastIndexOf('-');
        return dash >= 0 ? (epoch, evr[..dash], evr[(dash + 1)..]) : (epoch, evr, null);
    }

    private static int VerCmp(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return 0;
        }

        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 0;
        }

        int i = 0, j = 0;
        char At(string s, int k) => k < s.Length ? s[k] : '\0';
        static bool Separator(char c) => c != '\0' && !char.IsAsciiLetterOrDigit(c) && c != '~' && c != '^';
        while (i < a.Length || j < b.Length)
        {
            while (Separator(At(a, i)))
            {
                i++;
            }

            while (Separator(At(b, j)))
            {
                j++;
            }

            char ca = At(a, i), cb = At(b, j);
            if (ca == '~' || cb == '~')
            {
                if (ca != '~')
                {
                    return 1;
                }

                if (cb != '~')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (ca == '^' || cb == '^')
            {
                if (ca == '\0')
                {
                    return -1;
                }

                if (cb == '\0')
                {
                    return 1;
                }

                if (ca != '^')
                {
                    return 1;
                }

                if (cb != '^')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (ca == '\0' || cb == '\0')
            {
                break;
            }

            var numeric = char.IsAsciiDigit(ca);
            Func<char, bool> inRun = numeric ? char.IsAsciiDigit : char.IsAsciiLetter;
            int endA = i, endB = j;
            while (inRun(At(a, endA)))
            {
                endA++;
            }

            while (inRun(At(b, endB)))
            {
                endB++;
            }

            // A digit run against a letter run: the digits are newer.
            if (endB == j)
            {
                return numeric ? 1 : -1;
            }

            var segA = a.AsSpan(i, endA - i);
            var segB = b.AsSpan(j, endB - j);
            if (numeric)
            {
                segA = segA.TrimStart('0');
                segB = segB.TrimStart('0');
                if (segA.Length != segB.Length)
                {
                    return segA.Length > segB.Length ? 1 : -1;
                }
            }

            var rc = segA.SequenceCompareTo(segB);
            if (rc != 0)
            {
                return Math.Sign(rc);
            }

            i = endA;
            j = endB;
        }

        var endedA = i >= a.Length;
        var endedB = j >= b.Length;
        return endedA && endedB ? 0 : endedA ? -1 : 1;
    }
}
