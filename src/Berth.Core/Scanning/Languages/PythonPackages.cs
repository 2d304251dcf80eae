namespace Berth.Core.Scanning.Languages;

/// <summary>
/// An installed Python distribution: the <c>Name:</c> and <c>Version:</c> headers of a wheel's
/// <c>*.dist-info/METADATA</c> or an egg's <c>*.egg-info/PKG-INFO</c> (core metadata, RFC 822 style headers that end
/// at the first empty line). See https://packaging.python.org/specifications/core-metadata/
/// </summary>
public static class PythonPackages
{
    public static LanguagePackage? Parse(string metadata, string filePath)
    {
        string? name = null, version = null;
        foreach (var raw in metadata.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                break;
            }

            if (line.StartsWith("Name:", StringComparison.OrdinalIgnoreCase))
            {
                name ??= line[5..].Trim();
            }
            else if (line.StartsWith("Version:", StringComparison.OrdinalIgnoreCase))
            {
                version ??= line[8..].Trim();
            }
        }

        return name is { Length: > 0 } && version is { Length: > 0 } ? new LanguagePackage(LanguageEcosystem.PyPI, name, version, filePath, "PYTHONPKG") : null;
    }

    /// <summary>Whether a path is a distribution's metadata: <c>X.dist-info/METADATA</c>, <c>X.egg-info/PKG-INFO</c> or an <c>X.egg-info</c> file.</summary>
    public static bool IsMetadata(string path)
    {
        var slash = path.LastIndexOf('/');
        var leaf = path[(slash + 1)..];
        var parent = slash < 0 ? string.Empty : path[..slash];
        return (leaf == "METADATA" && parent.EndsWith(".dist-info", StringComparison.Ordinal))
            || (leaf == "PKG-INFO" && parent.EndsWith(".egg-info", StringComparison.Ordinal))
            || (leaf.EndsWith(".egg-info", StringComparison.Ordinal) && (path.Contains("/site-packages/", StringComparison.Ordinal) || path.Contains("/dist-packages/", StringComparison.Ordinal)));
    }
}
