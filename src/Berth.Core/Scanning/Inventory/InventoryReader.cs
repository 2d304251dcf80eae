namespace Berth.Core.Scanning.Inventory;

/// <summary>Turns the files an overlay kept into the image's inventory: its distribution and its installed packages.</summary>
public static class InventoryReader
{
    public static ImageInventory Read(LayerOverlay overlay, IRpmDatabaseReader rpm)
    {
        var os = LayerOverlay.OsReleasePaths.Select(overlay.ReadText).FirstOrDefault(t => t is not null) is { } text ? OsRelease.Parse(text) : null;

        var packages = new List<InstalledPackage>();
        if (overlay.ReadText(LayerOverlay.DpkgStatusPath) is { } status)
        {
            packages.AddRange(DpkgStatus.Parse(status));
        }

        // Distroless images keep one stanza file per package (and its .md5sums) instead of the status file.
        foreach (var (path, stanza) in overlay.ReadDirectory(LayerOverlay.DpkgStatusDirectory))
        {
            if (!path.EndsWith(".md5sums", StringComparison.Ordinal))
            {
                packages.AddRange(DpkgStatus.Parse(stanza, requireInstalled: false));
            }
        }

        if (packages.Count > 0)
        {
            return new ImageInventory(os, PackageFormat.Dpkg, Distinct(packages));
        }

        if (overlay.ReadText(LayerOverlay.ApkInstalledPath) is { } installed)
        {
            return new ImageInventory(os, PackageFormat.Apk, Distinct(ApkInstalled.Parse(installed)));
        }

        if (LayerOverlay.RpmDatabasePaths.Select(overlay.DatabaseFile).FirstOrDefault(f => f is not null) is { } database)
        {
            var headers = rpm.ReadHeaderBlobs(database);
            return new ImageInventory(os, PackageFormat.Rpm, Distinct(headers.Select(h => RpmHeader.Parse(h)).OfType<InstalledPackage>().Where(p => p.Name != "gpg-pubkey")));
        }

        return new ImageInventory(os, PackageFormat.None, []);
    }

    private static List<InstalledPackage> Distinct(IEnumerable<InstalledPackage> packages) =>
        packages.DistinctBy(p => (p.Name, p.Version)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
}
