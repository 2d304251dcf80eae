namespace Berth.Core.Scanning.Inventory;

/// <summary>
/// One package the image's package manager has installed. <see cref="SourceName"/> and <see cref="SourceVersion"/>
/// name the source package it was built from (dpkg's <c>Source:</c>, apk's origin, rpm's source RPM), which is what
/// distribution advisories are written against; they equal the binary's when the database does not say.
/// </summary>
public sealed record InstalledPackage(string Name, string Version, string SourceName, string SourceVersion);
