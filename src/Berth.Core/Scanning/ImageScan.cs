namespace Berth.Core.Scanning;

/// <summary>
/// The last scan of an image: its status and description, and once complete its time, the feed's import time it used
/// and the number of findings per severity. <see cref="ScanType"/> is the registry's scan type the scan ran with
/// (BASIC or ENHANCED), which decides whether its findings are listed as findings or enhancedFindings.
/// </summary>
public sealed record ImageScan(
    string Status,
    string? Description,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? VulnerabilitySourceUpdatedAt,
    IReadOnlyDictionary<string, int> SeverityCounts,
    string ScanType = RegistryScanningConfiguration.Basic);
