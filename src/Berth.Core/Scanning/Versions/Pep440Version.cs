using System.Globalization;
using System.Text.RegularExpressions;

namespace Berth.Core.Scanning.Versions;

/// <summary>
/// Python's version ordering, PEP 440 (https://peps.python.org/pep-0440/), as <c>packaging.version</c> sorts:
/// epoch, release (trailing zeros ignored), then a dev-only release before its pre-releases, pre-release
/// (a &lt; b &lt; rc, with the spellings alpha/beta/c/pre/preview), post-release (also <c>-N</c> and rev/r), dev
/// release, and the local label (none lowest; numeric segments above alphanumeric ones). A version that is not PEP 440
/// compares by its text after every valid one (as packaging's LegacyVersion did).
/// </summary>
public static partial class Pep440Version
{
    public static int Compare(string a, string b)
    {
        var x = Parse(a);
        var y = Parse(b);
        if (x is null || y is null)
        {
            return x is null && y is null ? string.CompareOrdinal(a, b) : x is null ? 1 : -1;
        }

        return x.CompareTo(y);
    }

    private static Key? Parse(string text)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }

        long Number(string group) => match.Groups[group].Success && match.Groups[group].Value.Length > 0
            ? long.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

        var release = match.Groups["release"].Value.Split('.').Select(p => long.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();
        while (release.Count > 1 && release[^1] == 0)
        {
            release.RemoveAt(release.Count - 1);
        }

        (int Kind, long Number)? pre = null;
        if (match.Groups["pre_l"].Success)
        {
            var kind = match.Groups["pre_l"].Value.ToLowerInvariant() switch
            {
                "a" or "alpha" => 0,
                "b" or "beta" => 1,
                _ => 2,
            };
            pre = (kind, Number("pre_n"));
        }

        long? post = match.Groups["post_n1"].Success ? Number("post_n1") : match.Groups["post_l"].Success ? Number("post_n2") : null;
        long? dev = match.Groups["dev_l"].Success ? Number("dev_n") : null;
        var local = match.Groups["local"].Success ? match.Groups["local"].Value.ToLowerInvariant().Split('.', '-', '_') : null;
        return new Key(Number("epoch"), release, pre, post, dev, local);
    }

    private sealed record Key(long Epoch, List<long> Release, (int Kind, long Number)? Pre, long? Post, long? Dev, string[]? Local) : IComparable<Key>
    {
        public int CompareTo(Key? other)
        {
            ArgumentNullException.ThrowIfNull(other);
            var c = Epoch.CompareTo(other.Epoch);
            if (c != 0)
            {
                return c;
            }

            for (var i = 0; i < Math.Max(Release.Count, other.Release.Count); i++)
            {
                c = (i < Release.Count ? Release[i] : 0).CompareTo(i < other.Release.Count ? other.Release[i] : 0);
                if (c != 0)
                {
                    return c;
                }
            }

            c = PreRank(this).CompareTo(PreRank(other));
            if (c != 0)
            {
                return c;
            }

            c = (Post ?? -1).CompareTo(other.Post ?? -1);
            if (c != 0)
            {
                return c;
            }

            c = (Dev ?? long.MaxValue).CompareTo(other.Dev ?? long.MaxValue);
            return c != 0 ? c : CompareLocal(Local, other.Local);
        }

        /// <summary>A dev release with no pre- or post-release sorts before every pre-release; no pre-release after all.</summary>
        private static (int, long) PreRank(Key key) =>
            key.Pre is { } pre ? (pre.Kind, pre.Number)
            : key.Post is null && key.Dev is not null ? (-1, 0)
            : (3, 0);

        private static int CompareLocal(string[]? x, string[]? y)
        {
            if (x is null || y is null)
            {
                return x is null && y is null ? 0 : x is null ? -1 : 1;
            }

            for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
            {
                var xNumeric = SemanticVersion.IsNumeric(x[i]);
                var yNumeric = SemanticVersion.IsNumeric(y[i]);
                var c = xNumeric && yNumeric ? SemanticVersion.CompareNumeric(x[i], y[i])
                    : xNumeric != yNumeric ? (xNumeric ? 1 : -1)
                    : Math.Sign(string.CompareOrdinal(x[i], y[i]));
                if (c != 0)
                {
                    return c;
                }
            }

            return x.Length.CompareTo(y.Length);
        }
    }

    // packaging's VERSION_PATTERN, anchored, case-insensitive.
    [GeneratedRegex("""
        ^v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)
        (?:[-_\.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?<pre_n>[0-9]+)?)?
        (?:-(?<post_n1>[0-9]+)|[-_\.]?(?<post_l>post|rev|r)[-_\.]?(?<post_n2>[0-9]+)?)?
        (?:[-_\.]?(?<dev_l>dev)[-_\.]?(?<dev_n>[0-9]+)?)?
        (?:\+(?<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\z
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
