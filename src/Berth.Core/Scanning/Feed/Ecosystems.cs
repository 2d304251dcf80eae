using Berth.Core.Scanning.Inventory;
using Berth.Core.Scanning.Versions;

namespace Berth.Core.Scanning.Feed;

/// <summary>
/// The OSV ecosystems whose records apply to an image, from its os-release, and the version ordering of its package
/// format. OSV names a distribution release in the ecosystem: <c>Debian:12</c>, <c>Ubuntu:22.04:LTS</c>,
/// <c>Alpine:v3.18</c>, <c>Rocky Linux:9</c>, <c>AlmaLinux:9</c>. See the schema's ecosystems.json.
/// </summary>
public static class Ecosystems
{
    public static IReadOnlyList<string> For(OsRelease? os)
    {
        if (os is null)
        {
            return [];
        }

        var version = os.VersionId ?? string.Empty;
        var major = version.Split('.')[0];
        return os.Id switch
        {
            "debian" => version.Length > 0 ? [$"Debian:{major}", "Debian"] : ["Debian"],
            "ubuntu" => [$"Ubuntu:{version}", $"Ubuntu:{version}:LTS", "Ubuntu"],
            "alpine" => version.Split('.') is [var a, var b, ..] ? [$"Alpine:v{a}.{b}", "Alpine"] : ["Alpine"],
            "rocky" => [$"Rocky Linux:{major}", "Rocky Linux"],
            "almalinux" => [$"AlmaLinux:{major}", "AlmaLinux"],
            "rhel" => [$"Red Hat:enterprise_linux:{major}", "Red Hat"],
            "opensuse-leap" => [$"openSUSE:Leap {version}", "openSUSE"],
            "sles" => [$"SUSE:Linux Enterprise Server {major}", "SUSE"],
            "mageia" => [$"Mageia:{version}", "Mageia"],
            _ => [],
        };
    }

    public static Func<string, string, int> OrderingOf(PackageFormat format) => format switch
    {
        PackageFormat.Dpkg => DpkgVersion.Compare,
        PackageFormat.Apk => ApkVersion.Compare,
        PackageFormat.Rpm => RpmVersion.Compare,
        _ => (a, b) => string.CompareOrdinal(a, b),
    };

    /// <summary>Debian, Ubuntu and Alpine advisories name source packages; the rpm distributions' name binaries.</summary>
    public static bool BySource(PackageFormat format) => format is PackageFormat.Dpkg or PackageFormat.Apk;
}
