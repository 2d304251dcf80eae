namespace Berth.Core.Scanning.Feed;

/// <summary>What an import did: records stored, files skipped (not OSV records), continuous rescans queued, when, and how long it took.</summary>
public sealed record OsvImportReport(int Imported, int Skipped, int RescansQueued, DateTimeOffset ImportedAt, TimeSpan Duration);
