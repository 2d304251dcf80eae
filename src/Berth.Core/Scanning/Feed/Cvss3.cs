using System.Globalization;

namespace Berth.Core.Scanning.Feed;

/// <summary>
/// The CVSS v3.0/v3.1 base score of a vector such as <c>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</c> (9.8).
/// See https://www.first.org/cvss/v3.1/specification-document#7-4-Metric-Values
/// </summary>
public static class Cvss3
{
    /// <summary>The base score, or null when the vector lacks a base metric or has an unknown value.</summary>
    public static double? BaseScore(string vector)
    {
        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in vector.Split('/'))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                metrics[part[..colon]] = part[(colon + 1)..];
            }
        }

        if (!metrics.TryGetValue("CVSS", out var version) || !version.StartsWith('3')
            || !metrics.TryGetValue("S", out var scope) || scope is not ("U" or "C"))
        {
            return null;
        }

        var changed = scope == "C";
        double? av = Pick(metrics, "AV", ("N", 0.85), ("A", 0.62), ("L", 0.55), ("P", 0.2));
        double? ac = Pick(metrics, "AC", ("L", 0.77), ("H", 0.44));
        double? pr = Pick(metrics, "PR", ("N", 0.85), ("L", changed ? 0.68 : 0.62), ("H", changed ? 0.5 : 0.27));
        double? ui = Pick(metrics, "UI", ("N", 0.85), ("R", 0.62));
        double? c = Pick(metrics, "C", ("H", 0.56), ("L", 0.22), ("N", 0));
        double? i = Pick(metrics, "I", ("H", 0.56), ("L", 0.22), ("N", 0));
        double? a = Pick(metrics, "A", ("H", 0.56), ("L", 0.22), ("N", 0));
        if (av is null || ac is null || pr is null || ui is null || c is null || i is null || a is null)
        {
            return null;
        }

        var iss = 1 - ((1 - c.Value) * (1 - i.Value) * (1 - a.Value));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av.Value * ac.Value * pr.Value * ui.Value;
        if (impact <= 0)
        {
            return 0;
        }

        return RoundUp(Math.Min((changed ? 1.08 : 1) * (impact + exploitability), 10));
    }

    /// <summary>CVSS 3.1's Roundup: the smallest one-decimal number at least the input, free of floating-point noise.</summary>
    private static double RoundUp(double value)
    {
        var scaled = (long)Math.Round(value * 100000);
        return scaled % 10000 == 0 ? scaled / 100000.0 : (Math.Floor(scaled / 10000.0) + 1) / 10.0;
    }

    private static double? Pick(Dictionary<string, string> metrics, string key, params (string Value, double Weight)[] weights) =>
        metrics.TryGetValue(key, out var value) && weights.FirstOrDefault(w => w.Value == value) is { Value: not null } hit ? hit.Weight : null;

    public static string Format(double score) => score.ToString("0.0", CultureInfo.InvariantCulture);
}
