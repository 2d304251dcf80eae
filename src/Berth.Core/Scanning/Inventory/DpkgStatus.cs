namespace Berth.Core.Scanning.Inventory;

/// <summary>
/// Reads dpkg's status database (<c>/var/lib/dpkg/status</c>, or a distroless image's <c>status.d/*</c> files): RFC 822
/// style stanzas; a package counts when its <c>Status</c> ends in <c>installed</c> (status.d stanzas often have none).
/// See https://man7.org/linux/man-pages/man5/deb-control.5.html (Source: <c>name (version)</c>).
/// </summary>
public static class DpkgStatus
{
    public static IEnumerable<InstalledPackage> Parse(string text, bool requireInstalled = true)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in text.Split('\n').Append(string.Empty))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0)
            {
                if (ToPackage(fields, requireInstalled) is { } package)
                {
                    yield return package;
                }

                fields.Clear();
                continue;
            }

            // Continuation lines (descriptions, conffiles) carry nothing the scanner needs.
            if (trimmed[0] is ' ' or '\t')
            {
                continue;
            }

            var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields[trimmed[..colon]] = trimmed[(colon + 1)..].Trim();
            }
        }
    }

    private static InstalledPackage? ToPackage(Dictionary<string, string> fields, bool requireInstalled)
    {
        if (!fields.TryGetValue("Package", out var name) || !fields.TryGetValue("Version", out var version) || name.Length == 0 || version.Length == 0)
        {
            return null;
        }

        if (fields.TryGetValue("Status", out var status) ? !status.EndsWith(" installed", StringComparison.Ordinal) : requireInstalled)
        {
            return null;
        }

        var sourceName = name;
        var sourceVersion = version;
        if (fields.TryGetValue("Source", out var source) && source.Length > 0)
        {
            var open = source.IndexOf('(', StringComparison.Ordinal);
            if (open > 0 && source.EndsWith(')'))
            {
                sourceName = source[..open].Trim();
                sourceVersion = source[(open + 1)..^1].Trim();
            }
            else
            {
                sourceName = source.Trim();
            }
        }

        return new InstalledPackage(name, version, sourceName, sourceVersion);
    }
}
