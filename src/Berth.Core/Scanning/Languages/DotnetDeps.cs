using System.Text.Json;

namespace Berth.Core.Scanning.Languages;

/// <summary>
/// NuGet packages an application was built with, from its <c>*.deps.json</c>: each <c>libraries</c> entry
/// <c>"Name/Version"</c> of type <c>package</c> (projects and reference assemblies are not packages).
/// See https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md
/// </summary>
public static class DotnetDeps
{
    public static List<LanguagePackage> Parse(string json, string filePath)
    {
        var packages = new List<LanguagePackage>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException)
        {
            return packages;
        }

        using (document)
        {
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("libraries", out var libraries) && libraries.ValueKind == JsonValueKind.Object)
            {
                foreach (var library in libraries.EnumerateObject())
                {
                    var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                    if (slash > 0 && slash < library.Name.Length - 1 && NpmPackages.Text(library.Value, "type") == "package")
                    {
                        packages.Add(new LanguagePackage(LanguageEcosystem.NuGet, library.Name[..slash], library.Name[(slash + 1)..], filePath, "DOTNET_CORE"));
                    }
                }
            }
        }

        return packages;
    }

    public static bool IsDepsFile(string path) => path.EndsWith(".deps.json", StringComparison.Ordinal);
}
