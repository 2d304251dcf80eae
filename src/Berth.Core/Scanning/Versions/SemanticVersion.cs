using System.Globalization;

namespace Berth.Core.Scanning.Versions;

/// <summary>
/// Semantic Versioning 2.0.0 precedence (https://semver.org/#spec-item-11), as npm and Go order versions: a leading
/// <c>v</c> is ignored (Go writes <c>v1.2.3</c>), build metadata (<c>+incompatible</c>) is ignored, a pre-release is
/// below its release and compares identifier by identifier (numeric ones numerically and below alphanumeric ones).
/// Go's pseudo-versions (<c>v0.0.0-20230101120000-abcdef123456</c>) are pre-releases, so they order as Go orders
/// them. A version that is not semver compares by its text after every semver version.
/// </summary>
public static class SemanticVersion
{
    public static int Compare(string a, string b)
    {
        var x = Parse(a);
        var y = Parse(b);
        if (x is null || y is null)
        {
            return x is null && y is null ? string.CompareOrdinal(a, b) : x is null ? 1 : -1;
        }

        for (var i = 0; i < 3; i++)
        {
            var c = x.Value.Core[i].CompareTo(y.Value.Core[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return ComparePrerelease(x.Value.Prerelease, y.Value.Prerelease, ignoreCase: false);
    }

    /// <summary>Pre-release identifiers: none ranks highest; numeric numerically, below alphanumeric; a shorter list ranks lower.</summary>
    internal static int ComparePrerelease(string[] x, string[] y, bool ignoreCase)
    {
        if (x.Length == 0 || y.Length == 0)
        {
            return x.Length == y.Length ? 0 : x.Length == 0 ? 1 : -1;
        }

        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var xNumeric = IsNumeric(x[i]);
            var yNumeric = IsNumeric(y[i]);
            int c;
            if (xNumeric && yNumeric)
            {
                c = CompareNumeric(x[i], y[i]);
            }
            else if (xNumeric != yNumeric)
            {
                c = xNumeric ? -1 : 1;
            }
            else
            {
                c = ignoreCase ? string.Compare(x[i], y[i], StringComparison.OrdinalIgnoreCase) : string.CompareOrdinal(x[i], y[i]);
            }

            if (c != 0)
            {
                return Math.Sign(c);
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    private static (long[] Core, string[] Prerelease)? Parse(string text)
    {
        var s = text.StartsWith('v') ? text[1..] : text;
        var plus = s.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            s = s[..plus];
        }

        var dash = s.IndexOf('-', StringComparison.Ordinal);
        var core = (dash >= 0 ? s[..dash] : s).Split('.');
        var prerelease = dash >= 0 ? s[(dash + 1)..].Split('.') : [];
        if (core.Length != 3 || prerelease.Any(p => p.Length == 0))
        {
            return null;
        }

        var numbers = new long[3];
        for (var i = 0; i < 3; i++)
        {
            if (!IsNumeric(core[i]) || !long.TryParse(core[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return (numbers, prerelease);
    }

    internal static bool IsNumeric(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    /// <summary>Two digit strings by value, whatever their length (no overflow).</summary>
    internal static int CompareNumeric(string x, string y)
    {
        x = x.TrimStart('0');
        y = y.TrimStart('0');
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : Math.Sign(string.CompareOrdinal(x, y));
    }
}
