namespace Berth.Core.Scanning.Feed;

/// <summary>
/// The parts of an OSV record only ENHANCED findings show: its summary, publication time, aliases (other ids of the
/// same vulnerability, e.g. a GHSA's CVE), reference URLs, and the database's own severity word
/// (<c>database_specific.severity</c>, e.g. GHSA's MODERATE).
/// </summary>
public sealed record RecordDetails(string? Summary, DateTimeOffset? Published, IReadOnlyList<string> Aliases, IReadOnlyList<string> References, string? DatabaseSeverity);
