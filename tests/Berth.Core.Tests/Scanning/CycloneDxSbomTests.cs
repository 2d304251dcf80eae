using System.Text.Json;
using Berth.Core.Scanning.Inventory;
using Berth.Core.Scanning.Sbom;

namespace Berth.Core.Tests.Scanning;

public sealed class CycloneDxSbomTests
{
    private const string Image = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    [Fact]
    public void PackageUrlsFollowThePurlSpecPerPackageFormat()
    {
        var debian = new ImageInventory(new OsRelease("debian", "12", [], null), PackageFormat.Dpkg, []);
        var rocky = new ImageInventory(new OsRelease("rocky", "9.3", ["rhel"], null), PackageFormat.Rpm, []);
        var alpine = new ImageInventory(new OsRelease("alpine", "3.19.1", [], null), PackageFormat.Apk, []);
        Assert.Equal("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?distro=debian-12", CycloneDxSbom.Purl(debian, new InstalledPackage("libc6", "2.36-9+deb12u4", "glibc", "2.36-9+deb12u4")));
        Assert.Equal("pkg:deb/debian/bash@1%3A5.2.15-2?distro=debian-12", CycloneDxSbom.Purl(debian, new InstalledPackage("bash", "1:5.2.15-2", "bash", "1:5.2.15-2")));
        Assert.Equal("pkg:rpm/rocky/openssl@3.0.7-25.el9_3?distro=rocky-9.3&epoch=1", CycloneDxSbom.Purl(rocky, new InstalledPackage("openssl", "1:3.0.7-25.el9_3", "openssl", "1:3.0.7-25.el9_3")));
        Assert.Equal("pkg:apk/alpine/musl@1.2.4_git20230717-r4?distro=alpine-3.19.1", CycloneDxSbom.Purl(alpine, new InstalledPackage("musl", "1.2.4_git20230717-r4", "musl", "1.2.4_git20230717-r4")));
        Assert.Equal("pkg:generic/thing@1.0", CycloneDxSbom.Purl(new ImageInventory(null, PackageFormat.None, []), new InstalledPackage("thing", "1.0", "thing", "1.0")));
    }

    [Fact]
    public void TheDocumentDependsOnlyOnTheImageAndItsInventory()
    {
        var inventory = new ImageInventory(new OsRelease("debian", "12", [], "Debian GNU/Linux 12 (bookworm)"), PackageFormat.Dpkg,
            [new InstalledPackage("libssl3", "3.0.11-1~deb12u2", "openssl", "3.0.11-1~deb12u2"), new InstalledPackage("zlib1g", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1")]);
        var first = CycloneDxSbom.Create("app", Image, inventory);
        Assert.Equal(first, CycloneDxSbom.Create("app", Image, inventory));
        Assert.NotEqual(first, CycloneDxSbom.Create("app", Image, inventory with { Packages = inventory.Packages.Take(1).ToList() }));

        using var document = JsonDocument.Parse(first);
        var root = document.RootElement;
        Assert.Equal(("CycloneDX", "1.5", 1), (root.GetProperty("bomFormat").GetString(), root.GetProperty("specVersion").GetString(), root.GetProperty("version").GetInt32()));
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\z", root.GetProperty("serialNumber").GetString());
        var component = root.GetProperty("metadata").GetProperty("component");
        Assert.Equal(("container", "app", Image), (component.GetProperty("type").GetString(), component.GetProperty("name").GetString(), component.GetProperty("version").GetString()));
        var packages = root.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(["libssl3", "zlib1g"], packages.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("openssl", packages[0].GetProperty("properties").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "berth:package:source_name").GetProperty("value").GetString());
        Assert.Equal(packages.Select(p => p.GetProperty("purl").GetString()), root.GetProperty("dependencies")[0].GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()));
    }
}
