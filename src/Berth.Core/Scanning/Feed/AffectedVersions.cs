using System.Text.Json;

namespace Berth.Core.Scanning.Feed;

/// <summary>
/// Whether an installed version is in an OSV <c>affected[]</c> entry: listed in <c>versions</c>, or inside an
/// ECOSYSTEM range of <c>ranges</c>, evaluated as the schema's reference algorithm does: events sorted by version
/// (<c>introduced: "0"</c> first), each <c>introduced</c> at or below the version opens, each <c>fixed</c> at or below it
/// closes, each <c>last_affected</c> below it closes. SEMVER ranges are evaluated for language packages only
/// (<c>semver: true</c>, with a semver ordering); GIT ranges never.
/// See https://ossf.github.io/osv-schema/#evaluation
/// </summary>
public static class AffectedVersions
{
    public static bool Contains(string rangesJson, string version, Func<string, string, int> compare, bool semver = false) =>
        Evaluate(rangesJson, version, compare, semver).Affected;

    /// <summary>
    /// Whether the version is affected and, when it is, the lowest <c>fixed</c> event above it in the ranges that
    /// contain it (null when no fix is recorded): Inspector's fixedInVersion.
    /// </summary>
    public static (bool Affected, string? FixedIn) Evaluate(string rangesJson, string version, Func<string, string, int> compare, bool semver = false)
    {
        using var document = JsonDocument.Parse(rangesJson);
        var root = document.RootElement;
        if (root.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Array
            && versions.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && compare(v.GetString()!, version) == 0))
        {
            return (true, FixAbove(root, version, compare, semver));
        }

        if (!root.TryGetProperty("ranges", out var ranges) || ranges.ValueKind != JsonValueKind.Array)
        {
            return (false, null);
        }

        var hit = false;
        string? fixedIn = null;
        foreach (var range in ranges.EnumerateArray())
        {
            if (!range.TryGetProperty("type", out var type) || !(type.GetString() == "ECOSYSTEM" || (semver && type.GetString() == "SEMVER"))
                || !range.TryGetProperty("events", out var events))
            {
                continue;
            }

            var sorted = events.EnumerateArray()
                .Select(e => e.EnumerateObject().FirstOrDefault(p => p.Value.ValueKind == JsonValueKind.String))
                .Where(p => p.Name is "introduced" or "fixed" or "last_affected")
                .Select(p => (Kind: p.Name, Version: p.Value.GetString()!))
                .OrderBy(e => e, Comparer<(string Kind, string Version)>.Create((x, y) => EventOrder(x, y, compare)))
                .ToList();
            var affected = false;
            foreach (var (kind, at) in sorted)
            {
                if (kind == "introduced" && (at == "0" || compare(version, at) >= 0))
                {
                    affected = true;
                }
                else if (kind == "fixed" && compare(version, at) >= 0)
                {
                    affected = false;
                }
                else if (kind == "last_affected" && compare(version, at) > 0)
                {
                    affected = false;
                }
            }

            if (affected)
            {
                hit = true;
                var fix = sorted.Where(e => e.Kind == "fixed" && compare(e.Version, version) > 0).Select(e => e.Version).FirstOrDefault();
                fixedIn = fix is null ? fixedIn : fixedIn is null || compare(fix, fixedIn) < 0 ? fix : fixedIn;
            }
        }

        return (hit, fixedIn);
    }

    /// <summary>The lowest <c>fixed</c> event above the version in any range (for a version listed in <c>versions</c>).</summary>
    private static string? FixAbove(JsonElement root, string version, Func<string, string, int> compare, bool semver) =>
        !root.TryGetProperty("ranges", out var ranges) || ranges.ValueKind != JsonValueKind.Array ? null
        : ranges.EnumerateArray()
            .Where(r => r.TryGetProperty("type", out var t) && (t.GetString() == "ECOSYSTEM" || (semver && t.GetString() == "SEMVER")) && r.TryGetProperty("events", out _))
            .SelectMany(r => r.GetProperty("events").EnumerateArray())
            .Where(e => e.TryGetProperty("fixed", out var f) && f.ValueKind == JsonValueKind.String && compare(f.GetString()!, version) > 0)
            .Select(e => e.GetProperty("fixed").GetString()!)
            .Order(Comparer<string>.Create((a, b) => compare(a, b)))
            .FirstOrDefault();

    private static int EventOrder((string Kind, string Version) x, (string Kind, string Version) y, Func<string, string, int> compare)
    {
        var xZero = x.Kind == "introduced" && x.Version == "0";
        var yZero = y.Kind == "introduced" && y.Version == "0";
        return xZero || yZero ? (xZero == yZero ? 0 : xZero ? -1 : 1) : compare(x.Version, y.Version);
    }
}
