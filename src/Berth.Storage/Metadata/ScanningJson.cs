using System.Text.Json;
using Berth.Core.Scanning;

namespace Berth.Storage.Metadata;

/// <summary>How the scanning tables hold JSON: the registry configuration in ECR's shape, severity counts as a map.</summary>
internal static class ScanningJson
{
    public static string Write(RegistryScanningConfiguration configuration) => JsonSerializer.Serialize(new ConfigurationRow(
        configuration.ScanType,
        configuration.Rules.Select(r => new RuleRow(r.ScanFrequency, r.Filters.Select(f => new FilterRow(f, "WILDCARD")).ToList())).ToList()));

    public static RegistryScanningConfiguration ReadConfiguration(string json)
    {
        var row = JsonSerializer.Deserialize<ConfigurationRow>(json)!;
        return new RegistryScanningConfiguration(row.scanType, row.rules.Select(r => new ScanningRule(r.scanFrequency, r.repositoryFilters.Select(f => f.filter).ToList())).ToList());
    }

    public static string Write(IReadOnlyDictionary<string, int> counts) => JsonSerializer.Serialize(counts);

    public static IReadOnlyDictionary<string, int> ReadCounts(string? json) =>
        json is null ? new Dictionary<string, int>() : JsonSerializer.Deserialize<Dictionary<string, int>>(json)!;

#pragma warning disable IDE1006 // The rows keep ECR's member names.
    private sealed record ConfigurationRow(string scanType, List<RuleRow> rules);

    private sealed record RuleRow(string scanFrequency, List<FilterRow> repositoryFilters);

    private sealed record FilterRow(string filter, string filterType);
#pragma warning restore IDE1006
}
