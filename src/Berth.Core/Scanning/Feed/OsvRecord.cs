using System.Globalization;
using System.Text.Json;

namespace Berth.Core.Scanning.Feed;

/// <summary>
/// Reads one record of the OSV schema (https://ossf.github.io/osv-schema/) into a <see cref="VulnerabilityRecord"/>.
/// Severity, first found wins: a CVSS v3 vector in <c>severity[]</c> (its base score's rating), a distribution's
/// word there (type <c>Ubuntu</c>), in <c>affected[].severity</c>, in <c>database_specific.severity</c> or in
/// <c>affected[].ecosystem_specific.urgency</c> (Debian); UNDEFINED otherwise. CVSS v2 and v4 vectors are not scored.
/// </summary>
public static class OsvRecord
{
    /// <summary>The record, or null when it is withdrawn or has no id or affected package.</summary>
    public static VulnerabilityRecord? Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || Text(root, "id") is not { Length: > 0 } id || root.TryGetProperty("withdrawn", out _))
        {
            return null;
        }

        var affected = new List<AffectedPackage>();
        var severities = new List<JsonElement>();
        if (root.TryGetProperty("severity", out var top) && top.ValueKind == JsonValueKind.Array)
        {
            severities.AddRange(top.EnumerateArray());
        }

        string? word = null;
        if (root.TryGetProperty("affected", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in list.EnumerateArray())
            {
                if (entry.TryGetProperty("package", out var package) && Text(package, "ecosystem") is { } ecosystem && Text(package, "name") is { } name)
                {
                    var ranges = new Dictionary<string, JsonElement>();
                    if (entry.TryGetProperty("ranges", out var r))
                    {
                        ranges["ranges"] = r;
                    }

                    if (entry.TryGetProperty("versions", out var v))
                    {
                        ranges["versions"] = v;
                    }

                    // PyPI and NuGet names are stored normalized (PEP 503; case-insensitive ids), as the scanner asks for them.
                    affected.Add(new AffectedPackage(ecosystem, Languages.LanguageEcosystem.Normalize(ecosystem, name), JsonSerializer.Serialize(ranges)));
                }

                if (entry.TryGetProperty("severity", out var own) && own.ValueKind == JsonValueKind.Array)
                {
                    severities.AddRange(own.EnumerateArray());
                }

                if (entry.TryGetProperty("ecosystem_specific", out var specific) && specific.ValueKind == JsonValueKind.Object)
                {
                    word ??= FindingSeverity.FromWord(Text(specific, "urgency") ?? Text(specific, "severity"));
                }
            }
        }

        if (affected.Count == 0)
        {
            return null;
        }

        if (root.TryGetProperty("database_specific", out var database) && database.ValueKind == JsonValueKind.Object)
        {
            word = FindingSeverity.FromWord(Text(database, "severity")) ?? word;
        }

        string? vector = null;
        double? score = null;
        foreach (var severity in severities)
        {
            var type = Text(severity, "type");
            var value = Text(severity, "score");
            if (type == "CVSS_V3" && value is not null && vector is null && Cvss3.BaseScore(value) is { } s)
            {
                (vector, score) = (value, s);
            }
            else if (type is "Ubuntu" && FindingSeverity.FromWord(value) is { } ubuntu)
            {
                word = ubuntu;
            }
        }

        var rating = score is { } cvss ? FindingSeverity.FromScore(cvss) : word ?? FindingSeverity.Undefined;
        return new VulnerabilityRecord(
            id,
            NameOf(id, root),
            Text(root, "details") is { Length: > 0 } details ? details : Text(root, "summary"),
            UriOf(id, root),
            rating,
            vector,
            score,
            Time(root, "modified"),
            affected,
            new RecordDetails(
                Text(root, "summary"),
                Time(root, "published"),
                Strings(root, "aliases"),
                root.TryGetProperty("references", out var links) && links.ValueKind == JsonValueKind.Array
                    ? links.EnumerateArray().Select(r => Text(r, "url")).OfType<string>().Distinct(StringComparer.Ordinal).ToList() : [],
                root.TryGetProperty("database_specific", out var databaseSpecific) ? Text(databaseSpecific, "severity") : null));
    }

    /// <summary>The CVE a distribution's record wraps (DEBIAN-CVE-…, UBUNTU-CVE-…, ALPINE-CVE-…, or a CVE alias), else the id.</summary>
    private static string NameOf(string id, JsonElement root)
    {
        var cve = id.IndexOf("CVE-", StringComparison.Ordinal);
        if (cve > 0 && id[cve - 1] == '-')
        {
            return id[cve..];
        }

        if (!id.StartsWith("CVE-", StringComparison.Ordinal) && root.TryGetProperty("upstream", out var upstream) && upstream.ValueKind == JsonValueKind.Array)
        {
            var cves = upstream.EnumerateArray().Select(u => u.GetString()).Where(u => u?.StartsWith("CVE-", StringComparison.Ordinal) == true).ToList();
            if (cves.Count == 1)
            {
                return cves[0]!;
            }
        }

        return id;
    }

    private static string UriOf(string id, JsonElement root)
    {
        if (root.TryGetProperty("references", out var references) && references.ValueKind == JsonValueKind.Array)
        {
            foreach (var type in (string[])["ADVISORY", "WEB"])
            {
                foreach (var reference in references.EnumerateArray())
                {
                    if (Text(reference, "type") == type && Text(reference, "url") is { } url)
                    {
                        return url;
                    }
                }
            }
        }

        return "https://osv.dev/vulnerability/" + id;
    }

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        Text(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static List<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList() : [];

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
