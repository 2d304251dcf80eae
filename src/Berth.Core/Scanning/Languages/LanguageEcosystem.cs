using System.Text.RegularExpressions;
using Berth.Core.Scanning.Versions;

namespace Berth.Core.Scanning.Languages;

/// <summary>
/// The OSV ecosystems of language packages ENHANCED scanning reads, their version orderings, and how names compare:
/// PyPI names are normalized as PEP 503 says (case, runs of <c>-_.</c>); NuGet ids are case-insensitive; npm and Go
/// names are exact. Inspector's packageManager values for the files read: NPM (package-lock.json), NODEPKG
/// (node_modules), PYTHONPKG (dist-info/egg-info), GOBINARY, DOTNET_CORE (deps.json).
/// See https://ossf.github.io/osv-schema/#affectedpackage-field
/// </summary>
public static partial class LanguageEcosystem
{
    public const string Npm = "npm";
    public const string PyPI = "PyPI";
    public const string Go = "Go";
    public const string NuGet = "NuGet";

    public static readonly string[] All = [Npm, PyPI, Go, NuGet];

    public static Func<string, string, int> OrderingOf(string ecosystem) => ecosystem switch
    {
        PyPI => Pep440Version.Compare,
        NuGet => NuGetVersion.Compare,
        _ => SemanticVersion.Compare,
    };

    /// <summary>The form a name is compared in.</summary>
    public static string Normalize(string ecosystem, string name) => ecosystem switch
    {
        PyPI => Separators().Replace(name, "-").ToLowerInvariant(),
        NuGet => name.ToLowerInvariant(),
        _ => name,
    };

    /// <summary>
    /// The names the feed is asked about for one package: normalized (as <see cref="Feed.OsvRecord"/> stores PyPI and
    /// NuGet names) and as written.
    /// </summary>
    public static IEnumerable<string> LookupNames(string ecosystem, string name)
    {
        yield return name;
        var normalized = Normalize(ecosystem, name);
        if (normalized != name)
        {
            yield return normalized;
        }
    }

    [GeneratedRegex("[-_.]+", RegexOptions.CultureInvariant)]
    private static partial Regex Separators();
}
