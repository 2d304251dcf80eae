using System.Text.Json;

namespace Berth.Core.Scanning.Feed;

/// <summary>
/// Whether an installed version is in an OSV <c>affected[]</c> entry: listed in <c>versions</c>, or inside an
/// ECOSYSTEM range of <c>ranges</c>, evaluated as the schema's reference algorithm does: events sorted by version
/// (<c>introduced: "0"</c> first), each <c>introduced</c> at or below the version opens, each <c>fixed</c> at or below it
/// closes, each <c>last_affected</c> below it closes. SEMVER and GIT ranges are not evaluated for OS packages.
/// See https://ossf.github.io/osv-schema/#evaluation
/// </summary>
public static class AffectedVersions
{
    public static bool Contains(string rangesJson, string version, Func<string, string, int> compare)
    {
        using var document = JsonDocument.Parse(rangesJson);
        var root = document.RootElement;
        if (root.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Array
            && versions.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && compare(v.GetString()!, version) == 0))
        {
            return true;
        }

        if (!root.TryGetProperty("ranges", out var ranges) || ranges.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var range in ranges.EnumerateArray())
        {
            if (!range.TryGetProperty("type", out var type) || type.GetString() != "ECOSYSTEM" || !range.TryGetProperty("events", out var events))
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
                return true;
            }
        }

        return false;
    }

    private static int EventOrder((string Kind, string Version) x, (string Kind, string Version) y, Func<string, string, int> compare)
    {
        var xZero = x.Kind == "introduced" && x.Version == "0";
        var yZero = y.Kind == "introduced" && y.Version == "0";
        return xZero || yZero ? (xZero == yZero ? 0 : xZero ? -1 : 1) : compare(x.Version, y.Version);
    }
}
