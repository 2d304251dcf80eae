using Berth.Core.Scanning.Feed;
using Berth.Core.Scanning.Inventory;

namespace Berth.Core.Scanning.Languages;

/// <summary>
/// ENHANCED matching, as Amazon Inspector reports: the OS packages (the image's distribution ecosystems, as BASIC)
/// and the language packages (npm, PyPI, Go, NuGet, with ECOSYSTEM and SEMVER ranges and each ecosystem's
/// ordering), one finding per vulnerability and package name listing every affected installation with the version
/// that fixes it, and fixAvailable YES (every installation has a fix), PARTIAL (some) or NO.
/// </summary>
public static class EnhancedMatcher
{
    /// <summary>The image facts every finding repeats: layer digests by index, architecture and Inspector's platform.</summary>
    public sealed record ImageFacts(IReadOnlyList<string> LayerDigests, string? Architecture, string? Platform);

    /// <summary>The ecosystems and names the feed is asked about.</summary>
    public static (IReadOnlyList<string> Ecosystems, IReadOnlyCollection<string> Names) Query(ImageInventory inventory, IReadOnlyList<LanguagePackage> languages)
    {
        var ecosystems = Ecosystems.For(inventory.Os).Concat(languages.Select(p => p.Ecosystem).Distinct()).ToList();
        var names = VulnerabilityMatcher.Names(inventory).Concat(languages.SelectMany(p => LanguageEcosystem.LookupNames(p.Ecosystem, p.Name)))
            .ToHashSet(StringComparer.Ordinal);
        return (ecosystems, names);
    }

    public static List<ScanFinding> Match(
        ImageInventory inventory, IReadOnlyList<LanguagePackage> languages, IEnumerable<(VulnerabilityRecord Record, AffectedPackage Affected)> candidates, ImageFacts image)
    {
        var osEcosystems = Ecosystems.For(inventory.Os).ToHashSet(StringComparer.Ordinal);
        var bySource = Ecosystems.BySource(inventory.Format);
        var osCompare = Ecosystems.OrderingOf(inventory.Format);
        var os = inventory.Packages
            .GroupBy(p => bySource ? p.SourceName : p.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => bySource ? p.SourceVersion : p.Version).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var installed = languages
            .GroupBy(p => (p.Ecosystem, Name: LanguageEcosystem.Normalize(p.Ecosystem, p.Name)))
            .ToDictionary(g => g.Key, g => g.ToList());

        var found = new Dictionary<(string Id, string Package), (VulnerabilityRecord Record, List<VulnerablePackage> Packages)>();
        foreach (var (record, affected) in candidates)
        {
            var hits = new List<VulnerablePackage>();
            if (osEcosystems.Contains(affected.Ecosystem) && os.TryGetValue(affected.Name, out var versions))
            {
                foreach (var version in versions)
                {
                    var (isAffected, fixedIn) = AffectedVersions.Evaluate(affected.RangesJson, version, osCompare);
                    if (isAffected)
                    {
                        hits.Add(OsPackage(affected.Name, version, fixedIn));
                    }
                }
            }
            else if (installed.TryGetValue((affected.Ecosystem, LanguageEcosystem.Normalize(affected.Ecosystem, affected.Name)), out var packages))
            {
                var compare = LanguageEcosystem.OrderingOf(affected.Ecosystem);
                foreach (var package in packages)
                {
                    var (isAffected, fixedIn) = AffectedVersions.Evaluate(affected.RangesJson, package.Version, compare, semver: true);
                    if (isAffected)
                    {
                        hits.Add(new VulnerablePackage(package.Name, package.Version, package.PackageManager, package.FilePath, fixedIn, null, null,
                            package.Layer >= 0 && package.Layer < image.LayerDigests.Count ? image.LayerDigests[package.Layer] : null));
                    }
                }
            }

            if (hits.Count == 0)
            {
                continue;
            }

            var key = (record.Id, hits[0].Name);
            if (!found.TryGetValue(key, out var entry))
            {
                found[key] = entry = (record, []);
            }

            entry.Packages.AddRange(hits.Where(h => !entry.Packages.Contains(h)));
        }

        return found.Values
            .Select(f => Finding(f.Record, f.Packages, image))
            .OrderBy(f => f.Severity == FindingSeverity.Undefined ? 99 : -Array.IndexOf(FindingSeverity.All, f.Severity))
            .ThenBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.PackageName, StringComparer.Ordinal).ToList();
    }

    /// <summary>An OS package as Inspector lists one: epoch, version and release apart (dpkg's <c>E:U-R</c>, rpm's <c>E:V-R</c>).</summary>
    private static VulnerablePackage OsPackage(string name, string version, string? fixedIn)
    {
        var colon = version.IndexOf(':', StringComparison.Ordinal);
        var epoch = colon > 0 && int.TryParse(version[..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var e) ? e : 0;
        var rest = colon > 0 ? version[(colon + 1)..] : version;
        var dash = rest.LastIndexOf('-');
        return new VulnerablePackage(name, dash > 0 ? rest[..dash] : rest, "OS", null, fixedIn, epoch, dash > 0 ? rest[(dash + 1)..] : null, null);
    }

    private static ScanFinding Finding(VulnerabilityRecord record, List<VulnerablePackage> packages, ImageFacts image)
    {
        var details = record.Details;
        var aliases = details?.Aliases ?? [];
        // Inspector names a finding by its CVE when the advisory has exactly one (a GHSA or GO- record), else by the record's name.
        var cves = aliases.Where(a => a.StartsWith("CVE-", StringComparison.Ordinal)).ToList();
        var id = !record.Name.StartsWith("CVE-", StringComparison.Ordinal) && cves.Count == 1 ? cves[0] : record.Name;
        var related = aliases.Append(record.Id).Where(a => a != id).Distinct(StringComparer.Ordinal).ToList();
        var name = packages[0].Name;
        var withFix = packages.Count(p => p.FixedInVersion is not null);
        var fix = withFix == packages.Count ? EnhancedFindingDetails.FixYes : withFix == 0 ? EnhancedFindingDetails.FixNo : EnhancedFindingDetails.FixPartial;
        var enhanced = new EnhancedFindingDetails(
            id,
            $"{id} - {name}",
            SourceOf(record.Id),
            record.Uri,
            details?.References ?? [],
            related,
            details?.DatabaseSeverity ?? (record.Severity == FindingSeverity.Undefined ? null : record.Severity),
            details?.Published,
            record.Modified,
            packages,
            fix,
            image.Architecture,
            image.Platform);
        return new ScanFinding(id, record.Description ?? details?.Summary, record.Uri, record.Severity, name, packages[0].Version, record.CvssVector, record.CvssScore, enhanced);
    }

    /// <summary>The database a record comes from, from its id's prefix: GHSA → GITHUB, CVE → NVD, else the prefix (GO, PYSEC, DEBIAN…).</summary>
    public static string SourceOf(string id)
    {
        var prefix = id.Split('-')[0].ToUpperInvariant();
        return prefix switch
        {
            "GHSA" => "GITHUB",
            "CVE" => "NVD",
            _ => prefix,
        };
    }

    /// <summary>A platform name for an os-release in Inspector's style (ID_VERSION upper-cased, e.g. DEBIAN_12, ALPINE_3_18: a guess), or null.</summary>
    public static string? PlatformOf(OsRelease? os) =>
        os is null ? null : (os.Id + (os.VersionId is { Length: > 0 } v ? "_" + v : string.Empty)).ToUpperInvariant().Replace('.', '_').Replace('-', '_');
}
