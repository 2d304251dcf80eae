using System.Text.Json;

namespace Berth.Core.Scanning.Languages;

/// <summary>
/// npm packages: a <c>package-lock.json</c> (lockfileVersion 1: nested <c>dependencies</c> with <c>version</c>; 2 and 3:
/// <c>packages</c> keyed by <c>node_modules/…</c> path, the root <c>""</c> and links skipped) and an installed
/// <c>node_modules/NAME/package.json</c>. See https://docs.npmjs.com/cli/configuring-npm/package-lock-json
/// </summary>
public static class NpmPackages
{
    public static List<LanguagePackage> ParseLock(string json, string filePath)
    {
        var packages = new List<LanguagePackage>();
        using var document = Parse(json);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return packages;
        }

        var root = document.RootElement;
        if (root.TryGetProperty("packages", out var entries) && entries.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in entries.EnumerateObject())
            {
                var at = entry.Name.LastIndexOf("node_modules/", StringComparison.Ordinal);
                if (at < 0 || entry.Value.ValueKind != JsonValueKind.Object || Bool(entry.Value, "link"))
                {
                    continue;
                }

                var name = Text(entry.Value, "name") ?? entry.Name[(at + "node_modules/".Length)..];
                if (Text(entry.Value, "version") is { Length: > 0 } version)
                {
                    packages.Add(new LanguagePackage(LanguageEcosystem.Npm, name, version, filePath, "NPM"));
                }
            }
        }
        else if (root.TryGetProperty("dependencies", out var dependencies))
        {
            AddVersion1(dependencies, filePath, packages);
        }

        return packages.DistinctBy(p => (p.Name, p.Version)).ToList();
    }

    private static void AddVersion1(JsonElement dependencies, string filePath, List<LanguagePackage> packages)
    {
        if (dependencies.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var dependency in dependencies.EnumerateObject())
        {
            if (dependency.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            // A "file:" or git version is not a registry version.
            if (Text(dependency.Value, "version") is { Length: > 0 } version && char.IsAsciiDigit(version[0]))
            {
                packages.Add(new LanguagePackage(LanguageEcosystem.Npm, dependency.Name, version, filePath, "NPM"));
            }

            if (dependency.Value.TryGetProperty("dependencies", out var nested))
            {
                AddVersion1(nested, filePath, packages);
            }
        }
    }

    /// <summary>An installed package's own package.json; null without a name and version.</summary>
    public static LanguagePackage? ParseInstalled(string json, string filePath)
    {
        using var document = Parse(json);
        return document is not null && Text(document.RootElement, "name") is { Length: > 0 } name && Text(document.RootElement, "version") is { Length: > 0 } version
            ? new LanguagePackage(LanguageEcosystem.Npm, name, version, filePath, "NODEPKG")
            : null;
    }

    /// <summary>Whether a path is an installed package's manifest: <c>…/node_modules/NAME/package.json</c> or <c>…/node_modules/@SCOPE/NAME/package.json</c>.</summary>
    public static bool IsInstalledManifest(string path)
    {
        var parts = path.Split('/');
        return parts.Length >= 3 && parts[^1] == "package.json"
            && ((parts[^3] == "node_modules" && !parts[^2].StartsWith('@'))
                || (parts.Length >= 4 && parts[^4] == "node_modules" && parts[^3].StartsWith('@')));
    }

    private static JsonDocument? Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
