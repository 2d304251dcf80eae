namespace Berth.Core.Scanning;

/// <summary>
/// One vulnerability found in one package of an image, as DescribeImageScanFindings lists it: BASIC's members, and
/// for an ENHANCED scan the <see cref="Enhanced"/> details as well.
/// </summary>
public sealed record ScanFinding(
    string Name,
    string? Description,
    string Uri,
    string Severity,
    string PackageName,
    string PackageVersion,
    string? CvssVector,
    double? CvssScore,
    EnhancedFindingDetails? Enhanced = null);
