using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Core.Replication;

/// <summary>
/// A registry's replication configuration (PutReplicationConfiguration). Stored as the JSON of ECR's own shape
/// (<c>{"rules":[{"destinations":[{"region","registryId"}],"repositoryFilters":[{"filter","filterType"}]}]}</c>), so
/// DescribeRegistry returns what was put.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationConfiguration.html
/// </summary>
public sealed record ReplicationConfiguration(IReadOnlyList<ReplicationRule> Rules)
{
    public const string PrefixMatch = "PREFIX_MATCH";

    public static readonly ReplicationConfiguration Empty = new([]);

    /// <summary>The distinct destinations an image pushed to <paramref name="repository"/> goes to, in rule order.</summary>
    public IReadOnlyList<ReplicationDestination> DestinationsFor(string repository) =>
        Rules.Where(rule => rule.Matches(repository)).SelectMany(rule => rule.Destinations).Distinct().ToList();

    public string ToJson() => JsonSerializer.Serialize(
        new ConfigurationJson(Rules.Select(r => new RuleJson(
            r.Destinations.Select(d => new DestinationJson(d.Region, d.RegistryId)).ToList(),
            r.PrefixFilters.Count == 0 ? null : r.PrefixFilters.Select(f => new FilterJson(f, PrefixMatch)).ToList())).ToList()),
        JsonOptions);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static ReplicationConfiguration FromJson(string json)
    {
        var parsed = JsonSerializer.Deserialize<ConfigurationJson>(json, JsonOptions)!;
        return new(parsed.Rules.Select(r => new ReplicationRule(
            r.Destinations.Select(d => new ReplicationDestination(d.RegistryId, d.Region)).ToList(),
            r.RepositoryFilters?.Select(f => f.Filter).ToList() ?? [])).ToList());
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record ConfigurationJson(List<RuleJson> Rules);

    private sealed record RuleJson(List<DestinationJson> Destinations, List<FilterJson>? RepositoryFilters);

    private sealed record DestinationJson(string Region, string RegistryId);

    private sealed record FilterJson(string Filter, string FilterType);
}
