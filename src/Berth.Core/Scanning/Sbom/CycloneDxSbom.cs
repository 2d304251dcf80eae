using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Core.Scanning.Inventory;

namespace Berth.Core.Scanning.Sbom;

/// <summary>
/// The inventory of a scanned image as a CycloneDX 1.5 JSON BOM (https://cyclonedx.org/docs/1.5/json/): one
/// <c>container</c> component for the image (its digest as version) and one <c>library</c> component per installed
/// package with its package URL (<c>pkg:deb</c>, <c>pkg:apk</c>, <c>pkg:rpm</c>, namespace = os-release ID,
/// <c>distro</c> qualifier) and the source package it was built from as a property.
/// The document is a function of the image and its inventory only — no timestamp, a serial number derived from the
/// content — so scanning an image again produces the same bytes and the same SBOM manifest digest.
/// </summary>
public static class CycloneDxSbom
{
    public const string MediaType = "application/vnd.cyclonedx+json";
    public const string SpecVersion = "1.5";

    public static byte[] Create(string repository, string imageDigest, ImageInventory inventory)
    {
        var components = inventory.Packages.Select(p => (Package: p, Purl: Purl(inventory, p))).ToList();
        return Write(repository, imageDigest, inventory, components, SerialNumber(repository, imageDigest, components.Select(c => c.Purl)));
    }

    private static byte[] Write(string repository, string imageDigest, ImageInventory inventory, List<(InstalledPackage Package, string Purl)> components, string serial)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("bomFormat", "CycloneDX");
            json.WriteString("specVersion", SpecVersion);
            json.WriteString("serialNumber", serial);
            json.WriteNumber("version", 1);
            json.WriteStartObject("metadata");
            json.WriteStartObject("tools");
            json.WriteStartArray("components");
            json.WriteStartObject();
            json.WriteString("type", "application");
            json.WriteString("name", "berth");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("component");
            json.WriteString("type", "container");
            json.WriteString("bom-ref", imageDigest);
            json.WriteString("name", repository);
            json.WriteString("version", imageDigest);
            if (inventory.Os is { } os)
            {
                json.WriteStartArray("properties");
                Property(json, "berth:os:id", os.Id);
                if (os.VersionId is { } version)
                {
                    Property(json, "berth:os:version_id", version);
                }

                if (os.PrettyName is { } pretty)
                {
                    Property(json, "berth:os:pretty_name", pretty);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("components");
            foreach (var (package, purl) in components)
            {
                json.WriteStartObject();
                json.WriteString("type", "library");
                json.WriteString("bom-ref", purl);
                json.WriteString("name", package.Name);
                json.WriteString("version", package.Version);
                json.WriteString("purl", purl);
                if (package.SourceName != package.Name || package.SourceVersion != package.Version)
                {
                    json.WriteStartArray("properties");
                    Property(json, "berth:package:source_name", package.SourceName);
                    Property(json, "berth:package:source_version", package.SourceVersion);
                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("dependencies");
            json.WriteStartObject();
            json.WriteString("ref", imageDigest);
            json.WriteStartArray("dependsOn");
            foreach (var purl in components.Select(c => c.Purl).Distinct(StringComparer.Ordinal))
            {
                json.WriteStringValue(purl);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The package URL (https://github.com/package-url/purl-spec): type from the package format, namespace the
    /// distribution's os-release ID, <c>distro</c> = ID-VERSION_ID; an rpm epoch goes to the <c>epoch</c> qualifier.
    /// </summary>
    public static string Purl(ImageInventory inventory, InstalledPackage package)
    {
        var type = inventory.Format switch
        {
            PackageFormat.Dpkg => "deb",
            PackageFormat.Apk => "apk",
            PackageFormat.Rpm => "rpm",
            _ => "generic",
        };
        var version = package.Version;
        var qualifiers = new List<string>();
        if (inventory.Format == PackageFormat.Rpm && version.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
        {
            qualifiers.Add("epoch=" + Uri.EscapeDataString(version[..colon]));
            version = version[(colon + 1)..];
        }

        if (inventory.Os is { } os)
        {
            qualifiers.Insert(0, "distro=" + Uri.EscapeDataString(os.VersionId is null ? os.Id : $"{os.Id}-{os.VersionId}"));
        }

        var text = new StringBuilder("pkg:").Append(type).Append('/');
        if (inventory.Os is { } named && type != "generic")
        {
            text.Append(Uri.EscapeDataString(named.Id)).Append('/');
        }

        text.Append(Uri.EscapeDataString(package.Name)).Append('@').Append(Uri.EscapeDataString(version));
        qualifiers.Sort(StringComparer.Ordinal);
        if (qualifiers.Count > 0)
        {
            text.Append('?').AppendJoin('&', qualifiers);
        }

        return text.ToString();
    }

    /// <summary>A version 5-shaped UUID URN from the SHA-256 of what the BOM says, so equal BOMs have equal serials.</summary>
    private static string SerialNumber(string repository, string imageDigest, IEnumerable<string> purls)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', [repository, imageDigest, .. purls])));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash.AsSpan(0, 16));
        return $"urn:uuid:{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    private static void Property(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("value", value);
        json.WriteEndObject();
    }
}
