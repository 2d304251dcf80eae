namespace Berth.Core.Scanning.Inventory;

/// <summary>Which package database an inventory came from, and so which version ordering applies.</summary>
public enum PackageFormat
{
    None,
    Dpkg,
    Apk,
    Rpm,
}
