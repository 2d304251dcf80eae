using System.Globalization;

namespace Berth.Core.Scanning.Versions;

/// <summary>
/// NuGet's version ordering (NuGet.Versioning's VersionComparer.Default): up to four numeric parts, missing ones
/// being 0 (<c>1.0</c> = <c>1.0.0.0</c>), then Semantic Versioning 2.0.0 pre-release precedence with labels compared
/// case-insensitively; build metadata is ignored. A version that does not parse compares by its text after the others.
/// See https://learn.microsoft.com/nuget/concepts/package-versioning
/// </summary>
public static class NuGetVersion
{
    public static int Compare(string a, string b)
    {
        var x = Parse(a);
        var y = Parse(b);
        if (x is null || y is null)
        {
            return x is null && y is null ? string.Compare(a, b, StringComparison.OrdinalIgnoreCase) : x is null ? 1 : -1;
        }

        for (var i = 0; i < 4; i++)
        {
            var c = x.Value.Parts[i].CompareTo(y.Value.Parts[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return SemanticVersion.ComparePrerelease(x.Value.Prerelease, y.Value.Prerelease, ignoreCase: true);
    }

    private static (long[] Parts, string[] Prerelease)? Parse(string text)
    {
        var s = text.Trim();
        var plus = s.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            s = s[..plus];
        }

        var dash = s.IndexOf('-', StringComparison.Ordinal);
        var core = (dash >= 0 ? s[..dash] : s).Split('.');
        var prerelease = dash >= 0 ? s[(dash + 1)..].Split('.') : [];
        if (core.Length is < 1 or > 4 || prerelease.Any(p => p.Length == 0))
        {
            return null;
        }

        var parts = new long[4];
        for (var i = 0; i < core.Length; i++)
        {
            if (!SemanticVersion.IsNumeric(core[i]) || !long.TryParse(core[i], NumberStyles.None, CultureInfo.InvariantCulture, out parts[i]))
            {
                return null;
            }
        }

        return (parts, prerelease);
    }
}
