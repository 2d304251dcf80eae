namespace Berth.Core.Scanning.Inventory;

/// <summary>
/// Reads apk's installed database (<c>/lib/apk/db/installed</c>): blank-line separated records of one-letter fields,
/// <c>P:</c> name, <c>V:</c> version, <c>o:</c> origin (the source package the advisories name).
/// See https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2
/// </summary>
public static class ApkInstalled
{
    public static IEnumerable<InstalledPackage> Parse(string text)
    {
        string? name = null, version = null, origin = null;
        foreach (var raw in text.Split('\n').Append(string.Empty))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (name is not null && version is not null)
                {
                    yield return new InstalledPackage(name, version, origin ?? name, version);
                }

                name = version = origin = null;
                continue;
            }

            if (line.Length < 2 || line[1] != ':')
            {
                continue;
            }

            switch (line[0])
            {
                case 'P':
                    name = line[2..];
                    break;
                case 'V':
                    version = line[2..];
                    break;
                case 'o':
                    origin = line[2..];
                    break;
            }
        }
    }
}
