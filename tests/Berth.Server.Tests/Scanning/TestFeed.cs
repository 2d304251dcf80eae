using System.Text.Json;
using Berth.Core.Scanning.Inventory;

namespace Berth.Server.Tests.Scanning;

/// <summary>
/// A small OSV feed written for the packages of this machine's /var/lib/dpkg/status: seven records that must match
/// (one CRITICAL by CVSS vector, one HIGH listed by version, five MEDIUM by range) and five that must not: a fix
/// just below the installed version by <c>~</c>, a fix that only looks higher because the epoch is ignored, the
/// whited-out ghost package, another ecosystem, and a binary package name where Debian advisories use source names.
/// </summary>
internal sealed class TestFeed
{
    public required string Directory { get; init; }

    public required IReadOnlyList<string> Matching { get; init; }

    public required IReadOnlyList<string> NotMatching { get; init; }

    public static TestFeed Write(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var release = OsRelease.Parse(File.ReadAllText("/etc/os-release"))!;
        var ecosystem = $"Debian:{release.VersionId}";
        var sources = DpkgStatus.Parse(File.ReadAllText("/var/lib/dpkg/status"))
            .GroupBy(p => p.SourceName).Select(g => g.First()).OrderBy(p => p.SourceName, StringComparer.Ordinal).ToList();
        var plain = sources.Where(p => !p.SourceVersion.Contains(':', StringComparison.Ordinal)).ToList();
        var withEpoch = sources.First(p => p.SourceVersion.Contains(':', StringComparison.Ordinal));
        var binaryOnly = sources.First(p => p.Name != p.SourceName && sources.All(s => s.SourceName != p.Name));

        var matching = new List<string>();
        var notMatching = new List<string>();
        void Write(string id, bool matches, string package, object affected, object? severity = null, object? databaseSpecific = null, string? ecosystemOverride = null)
        {
            var record = new Dictionary<string, object?>
            {
                ["schema_version"] = "1.6.0",
                ["id"] = id,
                ["modified"] = "2026-01-01T00:00:00Z",
                ["summary"] = $"Test vulnerability {id}",
                ["details"] = $"Written by the test for {package}.",
                ["affected"] = new[] { Merge(new { package = new { ecosystem = ecosystemOverride ?? ecosystem, name = package } }, affected) },
                ["references"] = new[] { new { type = "ADVISORY", url = $"https://security-tracker.debian.org/tracker/{id}" } },
            };
            if (severity is not null)
            {
                record["severity"] = severity;
            }

            if (databaseSpecific is not null)
            {
                record["database_specific"] = databaseSpecific;
            }

            File.WriteAllText(Path.Combine(directory, id + ".json"), JsonSerializer.Serialize(record));
            (matches ? matching : notMatching).Add(id);
        }

        static object Fixed(string version) => new { ranges = new[] { new { type = "ECOSYSTEM", events = new object[] { new { introduced = "0" }, new { @fixed = version } } } } };

        Write("CVE-2099-0001", true, plain[0].SourceName, Fixed(plain[0].SourceVersion + "+1"),
            severity: new[] { new { type = "CVSS_V3", score = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" } });
        Write("CVE-2099-0002", true, plain[1].SourceName, new { versions = new[] { plain[1].SourceVersion } }, databaseSpecific: new { severity = "HIGH" });
        for (var i = 0; i < 5; i++)
        {
            Write($"CVE-2099-01{i:00}", true, plain[2 + i].SourceName, Fixed(plain[2 + i].SourceVersion + "+1"), severity: new[] { new { type = "Ubuntu", score = "medium" } });
        }

        Write("CVE-2099-0901", false, plain[0].SourceName, Fixed(plain[0].SourceVersion + "~1"));
        Write("CVE-2099-0902", false, withEpoch.SourceName, Fixed(withEpoch.SourceVersion[(withEpoch.SourceVersion.IndexOf(':', StringComparison.Ordinal) + 1)..] + "+1"));
        Write("CVE-2099-0903", false, DpkgTestImage.Ghost, Fixed("2.0-1"));
        Write("CVE-2099-0904", false, plain[0].SourceName, Fixed(plain[0].SourceVersion + "+1"), ecosystemOverride: "Ubuntu:22.04:LTS");
        Write("CVE-2099-0905", false, binaryOnly.Name, Fixed("999:1"));
        File.WriteAllText(Path.Combine(directory, "not-a-record.json"), "{\"hello\":");
        return new TestFeed { Directory = directory, Matching = matching, NotMatching = notMatching };
    }

    private static Dictionary<string, object?> Merge(object a, object b)
    {
        var merged = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(a))!;
        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(b))!)
        {
            merged[key] = value;
        }

        return merged;
    }
}
