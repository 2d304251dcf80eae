using Berth.Core.Scanning.Inventory;

namespace Berth.Core.Scanning;

/// <summary>What a scan found: the inventory read, the findings, and the import time of the feed it matched against.</summary>
public sealed record ScanResult(ImageInventory Inventory, IReadOnlyList<ScanFinding> Findings, DateTimeOffset? VulnerabilitySourceUpdatedAt);
