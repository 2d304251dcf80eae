using System.Text.Json;
using Berth.Core.Scanning;
using Berth.Core.Scanning.Feed;
using Berth.Core.Scanning.Inventory;
using Berth.Core.Scanning.Languages;

namespace Berth.Core.Tests.Scanning;

/// <summary>ENHANCED matching: language packages against SEMVER and ECOSYSTEM ranges per ecosystem, OS packages as BASIC, and Inspector's fields.</summary>
public sealed class EnhancedMatchingTests
{
    private static readonly ImageInventory Debian = new(
        new OsRelease("debian", "12", [], null), PackageFormat.Dpkg, [new InstalledPackage("libssl3", "1:3.0.11-1~deb12u2", "openssl", "1:3.0.11-1~deb12u2")]);

    private static readonly LanguagePackage[] Languages =
    [
        new("npm", "lodash", "4.17.20", "/app/package-lock.json", "NPM", 1),
        new("npm", "lodash", "4.17.21", "/srv/package-lock.json", "NPM", 1),
        new("PyPI", "Requests", "2.19.1", "/usr/lib/python3/site-packages/requests-2.19.1.dist-info/METADATA", "PYTHONPKG", 0),
        new("Go", "golang.org/x/text", "v0.3.7", "/usr/bin/app", "GOBINARY", 2),
        new("Go", "stdlib", "1.19.8", "/usr/bin/app", "GOBINARY", 2),
        new("NuGet", "Newtonsoft.Json", "12.0.1", "/app/app.deps.json", "DOTNET_CORE", 1),
    ];

    private static readonly EnhancedMatcher.ImageFacts Facts = new(["sha256:l0", "sha256:l1", "sha256:l2"], "amd64", "DEBIAN_12");

    private static string Osv(string id, string ecosystem, string package, string type, string events, string extra = "") => $$"""
        {"id":"{{id}}","modified":"2024-01-02T00:00:00Z","published":"2023-05-01T00:00:00Z","summary":"Summary of {{id}}",{{extra}}
         "references":[{"type":"ADVISORY","url":"https://example.com/{{id}}"},{"type":"WEB","url":"https://example.com/web/{{id}}"}],
         "affected":[{"package":{"ecosystem":"{{ecosystem}}","name":"{{package}}"},"ranges":[{"type":"{{type}}","events":[{{events}}]}]}]}
        """;

    private static List<ScanFinding> Match(params string[] records) =>
        EnhancedMatcher.Match(Debian, Languages, records.Select(j => OsvRecord.Parse(JsonDocument.Parse(j).RootElement)!).SelectMany(r => r.Affected.Select(a => (r, a))), Facts);

    [Fact]
    public void EachEcosystemsRangesAreEvaluatedWithItsOrdering()
    {
        var findings = Match(
            Osv("GHSA-npm1", "npm", "lodash", "SEMVER", """{"introduced":"0"},{"fixed":"4.17.21"}""", "\"aliases\":[\"CVE-2021-23337\"],\"database_specific\":{\"severity\":\"HIGH\"},"),
            Osv("GHSA-py1", "PyPI", "requests", "ECOSYSTEM", """{"introduced":"2.3.0"},{"fixed":"2.20.0"}""", "\"database_specific\":{\"severity\":\"MODERATE\"},"),
            Osv("GO-2022-1059", "Go", "golang.org/x/text", "SEMVER", """{"introduced":"0"},{"fixed":"0.3.8"}"""),
            Osv("GO-2023-1", "Go", "stdlib", "SEMVER", """{"introduced":"1.19.0"},{"fixed":"1.19.9"},{"introduced":"1.20.0"},{"fixed":"1.20.4"}"""),
            Osv("GHSA-nu1", "NuGet", "newtonsoft.json", "ECOSYSTEM", """{"introduced":"0"},{"fixed":"13.0.1"}""",
                "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\"}],"),
            // Must not match: PEP 440 puts 2.19.1 above 2.3 (not text order), a fix at the installed version, a pre-release fix below 13.0.1's release.
            Osv("GHSA-py2", "PyPI", "requests", "ECOSYSTEM", """{"introduced":"0"},{"fixed":"2.3"}"""),
            Osv("GHSA-npm2", "npm", "lodash", "SEMVER", """{"introduced":"0"},{"fixed":"4.17.20"}"""),
            Osv("GHSA-nu2", "NuGet", "Newtonsoft.Json", "ECOSYSTEM", """{"introduced":"0"},{"fixed":"12.0.1-beta1"}"""),
            Osv("GHSA-go2", "Go", "golang.org/x/text", "SEMVER", """{"introduced":"0"},{"fixed":"v0.3.0-20170915032832-14c0d48ead0c"}"""));

        Assert.Equal(
            ["CVE-2021-23337 HIGH lodash", "GHSA-nu1 HIGH Newtonsoft.Json", "GHSA-py1 MEDIUM Requests", "GO-2022-1059 UNDEFINED golang.org/x/text", "GO-2023-1 UNDEFINED stdlib"],
            findings.Select(f => $"{f.Name} {f.Severity} {f.PackageName}"));

        var lodash = findings[0].Enhanced!;
        Assert.Equal(("CVE-2021-23337", "CVE-2021-23337 - lodash", "GITHUB", "HIGH", "YES"), (lodash.VulnerabilityId, lodash.Title, lodash.Source, lodash.VendorSeverity, lodash.FixAvailable));
        Assert.Equal(["GHSA-npm1"], lodash.RelatedVulnerabilities);
        Assert.Equal(["https://example.com/GHSA-npm1", "https://example.com/web/GHSA-npm1"], lodash.ReferenceUrls);
        var vulnerable = Assert.Single(lodash.VulnerablePackages);
        Assert.Equal(("4.17.20", "NPM", "/app/package-lock.json", "4.17.21", "sha256:l1"), (vulnerable.Version, vulnerable.PackageManager, vulnerable.FilePath, vulnerable.FixedInVersion, vulnerable.SourceLayerHash));
        Assert.Equal(new DateTimeOffset(2023, 5, 1, 0, 0, 0, TimeSpan.Zero), lodash.VendorCreatedAt);
        Assert.Equal(("amd64", "DEBIAN_12"), (lodash.Architecture, lodash.Platform));
        Assert.Equal("1.19.9", findings[4].Enhanced!.VulnerablePackages[0].FixedInVersion);
        Assert.Equal(7.5, findings[1].CvssScore);
    }

    [Fact]
    public void OsPackagesMatchAsBasicAndAreListedWithEpochAndReleaseAndWithoutAFixFixAvailableIsNo()
    {
        var found = Assert.Single(Match(Osv("DEBIAN-CVE-2024-1", "Debian:12", "openssl", "ECOSYSTEM", """{"introduced":"0"}""")));
        Assert.Equal("CVE-2024-1", found.Name);
        var package = Assert.Single(found.Enhanced!.VulnerablePackages);
        Assert.Equal(("openssl", "3.0.11", 1, "1~deb12u2", "OS", null), (package.Name, package.Version, package.Epoch, package.Release, package.PackageManager, package.FixedInVersion));
        Assert.Equal(EnhancedFindingDetails.FixNo, found.Enhanced.FixAvailable);
        Assert.Equal("DEBIAN", found.Enhanced.Source);
    }

    [Fact]
    public void SeveralInstallationsOfOnePackageAreOneFindingAndSemverRangesAreIgnoredForOsPackages()
    {
        var both = Assert.Single(Match(Osv("GHSA-npm3", "npm", "lodash", "SEMVER", """{"introduced":"0"},{"last_affected":"4.17.21"}""")));
        Assert.Equal(["/app/package-lock.json", "/srv/package-lock.json"], both.Enhanced!.VulnerablePackages.Select(p => p.FilePath));
        Assert.Equal(EnhancedFindingDetails.FixNo, both.Enhanced.FixAvailable);
        Assert.Empty(Match(Osv("DSA-9", "Debian:12", "openssl", "SEMVER", """{"introduced":"0"}""")));
    }

    [Fact]
    public void TheFeedIsAskedAboutNormalizedPythonNamesAndEveryEcosystem()
    {
        var (ecosystems, names) = EnhancedMatcher.Query(Debian, Languages);
        Assert.Equal(["Debian:12", "Debian", "npm", "PyPI", "Go", "NuGet"], ecosystems);
        Assert.Contains("Requests", names);
        Assert.Contains("requests", names);
        Assert.Contains("newtonsoft.json", names);
        Assert.Contains("openssl", names);
    }

    [Fact]
    public void TheDetailsRoundTripThroughTheirStoredJson()
    {
        var details = Match(Osv("GHSA-npm1", "npm", "lodash", "SEMVER", """{"introduced":"0"},{"fixed":"4.17.21"}"""))[0].Enhanced!;
        var read = EnhancedFindingDetails.FromJson(details.ToJson())!;
        Assert.Equal(details.ToJson(), read.ToJson());
        Assert.Equal(details.VulnerablePackages, read.VulnerablePackages);
    }
}
