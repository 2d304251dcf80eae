using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Berth.Core.Scanning.Inventory;

namespace Berth.Core.Tests.Scanning;

public sealed class LayerOverlayTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("berth-overlay").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>A gzip'd tar layer of (path, content) entries; a null content writes a symbolic link to the text after "->".</summary>
    internal static byte[] Layer(params (string Path, string? Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in entries)
            {
                if (path.Contains("->", StringComparison.Ordinal))
                {
                    var parts = path.Split("->");
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, parts[0]) { LinkName = parts[1] });
                    continue;
                }

                var entry = new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content ?? string.Empty)) };
                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    private async Task<ImageInventory> InventoryAsync(params byte[][] layers)
    {
        using var overlay = new LayerOverlay(_temp);
        foreach (var layer in layers)
        {
            await using var tar = LayerOverlay.Decompress("application/vnd.oci.image.layer.v1.tar+gzip", new MemoryStream(layer));
            await overlay.ApplyAsync(tar, CancellationToken.None);
        }

        return InventoryReader.Read(overlay, new NoRpm());
    }

    private const string Status = """
        Package: libc6
        Status: install ok installed
        Version: 2.36-9+deb12u4
        Source: glibc

        Package: libssl3
        Status: install ok installed
        Version: 3.0.11-1~deb12u2
        Source: openssl (3.0.11-1~deb12u2)

        Package: removed
        Status: deinstall ok config-files
        Version: 1.0-1

        """;

    [Fact]
    public async Task ReadsDpkgStatusAndOsReleaseThroughItsSymlink()
    {
        var inventory = await InventoryAsync(Layer(
            ("./usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
            ("etc/os-release->../usr/lib/os-release", null),
            ("var/lib/dpkg/status", Status)));

        Assert.Equal("debian", inventory.Os!.Id);
        Assert.Equal("12", inventory.Os.VersionId);
        Assert.Equal(PackageFormat.Dpkg, inventory.Format);
        Assert.Equal(["libc6", "libssl3"], inventory.Packages.Select(p => p.Name));
        Assert.Equal(("glibc", "2.36-9+deb12u4"), (inventory.Packages[0].SourceName, inventory.Packages[0].SourceVersion));
        Assert.Equal("openssl", inventory.Packages[1].SourceName);
    }

    [Fact]
    public async Task AWhiteoutInALaterLayerRemovesTheFileAndAnOpaqueDirectoryEmptiesIt()
    {
        var inventory = await InventoryAsync(
            Layer(("etc/os-release", "ID=debian\nVERSION_ID=12\n"), ("var/lib/dpkg/status", Status), ("var/lib/dpkg/status.d/ghost", "Package: ghost\nVersion: 1.0\n")),
            Layer(("var/lib/dpkg/.wh.status", null), ("var/lib/dpkg/status.d/.wh..wh..opq", null), ("var/lib/dpkg/status.d/kept", "Package: kept\nVersion: 2.0\n")));

        Assert.Equal(["kept"], inventory.Packages.Select(p => p.Name));
    }

    [Fact]
    public async Task ALaterLayerReplacesAFileAndTheLastDatabaseWins()
    {
        var inventory = await InventoryAsync(
            Layer(("etc/os-release", "ID=alpine\nVERSION_ID=3.18.4\n"), ("lib/apk/db/installed", "P:busybox\nV:1.36.0-r0\no:busybox\n\n")),
            Layer(("lib/apk/db/installed", "P:busybox\nV:1.36.1-r2\no:busybox\n\nP:libcrypto3\nV:3.1.4-r0\no:openssl\n\n")));

        Assert.Equal(PackageFormat.Apk, inventory.Format);
        Assert.Equal([("busybox", "1.36.1-r2", "busybox"), ("libcrypto3", "3.1.4-r0", "openssl")], inventory.Packages.Select(p => (p.Name, p.Version, p.SourceName)));
    }

    [Fact]
    public async Task ZstdLayersAreRefusedWithAReason()
    {
        var refused = Assert.Throws<InventoryException>(() => LayerOverlay.Decompress("application/vnd.oci.image.layer.v1.tar+zstd", new MemoryStream()));
        Assert.Contains("zstd", refused.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    private sealed class NoRpm : IRpmDatabaseReader
    {
        public IReadOnlyList<byte[]> ReadHeaderBlobs(string path) => throw new InvalidOperationException("no rpmdb in these layers");
    }
}
