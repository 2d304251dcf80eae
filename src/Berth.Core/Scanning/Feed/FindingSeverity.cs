namespace Berth.Core.Scanning.Feed;

/// <summary>ECR's FindingSeverity values, and how a record's own rating maps onto them.</summary>
public static class FindingSeverity
{
    public const string Informational = "INFORMATIONAL";
    public const string Low = "LOW";
    public const string Medium = "MEDIUM";
    public const string High = "HIGH";
    public const string Critical = "CRITICAL";
    public const string Undefined = "UNDEFINED";

    /// <summary>Every value, in the order DescribeImageScanFindings' counts are written.</summary>
    public static readonly string[] All = [Informational, Low, Medium, High, Critical, Undefined];

    /// <summary>CVSS v3 qualitative rating: 0 none (INFORMATIONAL), up to 3.9 LOW, 6.9 MEDIUM, 8.9 HIGH, else CRITICAL.</summary>
    public static string FromScore(double score) => score switch
    {
        <= 0 => Informational,
        < 4.0 => Low,
        < 7.0 => Medium,
        < 9.0 => High,
        _ => Critical,
    };

    /// <summary>
    /// A distribution's or database's word (Ubuntu's priorities, Debian's urgencies, GHSA's MODERATE); null when it is
    /// not a rating (e.g. Debian's "not yet assigned").
    /// </summary>
    public static string? FromWord(string? word) => word?.Trim().ToLowerInvariant() switch
    {
        "negligible" or "unimportant" or "informational" or "none" => Informational,
        "low" or "low*" or "low**" => Low,
        "medium" or "moderate" or "medium*" or "medium**" => Medium,
        "high" or "important" or "high*" or "high**" => High,
        "critical" => Critical,
        _ => null,
    };
}
