namespace Berth.Core.Scanning.Feed;

/// <summary>
/// One <c>affected[]</c> entry of an OSV record: the package (ecosystem and name) and, as OSV JSON, its
/// <c>ranges</c> and <c>versions</c>, evaluated by <see cref="AffectedVersions"/> at match time.
/// </summary>
public sealed record AffectedPackage(string Ecosystem, string Name, string RangesJson);
