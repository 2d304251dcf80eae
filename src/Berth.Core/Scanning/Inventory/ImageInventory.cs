namespace Berth.Core.Scanning.Inventory;

/// <summary>What an image has installed: its distribution (null when it has no os-release) and its packages.</summary>
public sealed record ImageInventory(OsRelease? Os, PackageFormat Format, IReadOnlyList<InstalledPackage> Packages);
