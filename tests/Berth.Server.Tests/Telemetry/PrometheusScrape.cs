using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Durability;

namespace Berth.Server.Tests.Telemetry;

/// <summary>
/// One scrape of Berth's /metrics, parsed by the Prometheus project's Python client parser
/// (<c>prometheus_client.parser</c>, Debian's python3-prometheus-client), not by code of ours.
/// </summary>
internal sealed partial class PrometheusScrape
{
    private const string Python = "/usr/bin/python3";
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples;

    private PrometheusScrape(List<(string, Dictionary<string, string>, double)> samples, string text)
    {
        _samples = samples;
        Text = text;
    }

    /// <summary>The exposition as served.</summary>
    public string Text { get; }

    public IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Samples => _samples;

    /// <summary>Skips (or fails in CI) when the parser is not installed.</summary>
    public static async Task SkipUnlessParserAvailableAsync()
    {
        var probe = File.Exists(Python)
            ? await ProcessRunner.RunAsync(Python, ["-c", "import prometheus_client.parser"], new ProcessRunOptions { AllowFailure = true })
            : null;
        if (probe is { ExitCode: 0 })
        {
            return;
        }

        const string reason = "python3-prometheus-client is not installed (scripts/test.sh installs it as root)";
        if (ClientTools.MustBePresent)
        {
            throw new InvalidOperationException(reason);
        }

        throw new SkipException(reason);
    }

    /// <summary>The metrics URL a berth process printed at start (Berth:Metrics:Listen).</summary>
    public static Uri MetricsUrlOf(BerthProcess berth) =>
        MetricsBanner().Match(berth.Output) is { Success: true } match
            ? new Uri(match.Groups["url"].Value)
            : throw new InvalidOperationException($"berth printed no metrics URL:\n{berth.Output}");

    public static async Task<PrometheusScrape> ReadAsync(HttpClient client, Uri url)
    {
        var text = await client.GetStringAsync(url);
        var script = Path.Combine(AppContext.BaseDirectory, "Telemetry", "parse_metrics.py");
        var parsed = await ProcessRunner.RunAsync(Python, [script], new ProcessRunOptions { StandardInput = text });
        using var document = JsonDocument.Parse(parsed.StandardOutput);
        var samples = document.RootElement.EnumerateArray()
            .Select(s => (s[0].GetString()!, s[1].EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!), s[2].GetDouble()))
            .ToList();
        return new PrometheusScrape(samples, text);
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include every pair given.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    [GeneratedRegex(@"Berth metrics on (?<url>http\S+/metrics)", RegexOptions.CultureInvariant)]
    private static partial Regex MetricsBanner();
}
