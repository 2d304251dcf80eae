namespace Berth.Core.Replication;

/// <summary>
/// One rule of a replication configuration: the destinations, and the repository name prefixes (PREFIX_MATCH filters)
/// it applies to; a rule without filters applies to every repository.
/// </summary>
public sealed record ReplicationRule(IReadOnlyList<ReplicationDestination> Destinations, IReadOnlyList<string> PrefixFilters)
{
    public bool Matches(string repository) =>
        PrefixFilters.Count == 0 || PrefixFilters.Any(prefix => repository.StartsWith(prefix, StringComparison.Ordinal));
}
