namespace Berth.Core.Scanning;

/// <summary>
/// A registry's scanning configuration (PutRegistryScanningConfiguration). The default, never put, is BASIC with no
/// rules. Which frequency applies to a repository: a CONTINUOUS_SCAN rule that matches it, else a SCAN_ON_PUSH rule,
/// else the repository's own scanOnPush setting (which ECR still honours for BASIC only: with ENHANCED, a repository
/// no rule matches is not scanned), else MANUAL.
/// See https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html#image-scanning-filters
/// </summary>
public sealed record RegistryScanningConfiguration(string ScanType, IReadOnlyList<ScanningRule> Rules)
{
    public const string Basic = "BASIC";
    public const string Enhanced = "ENHANCED";

    public static readonly RegistryScanningConfiguration Default = new(Basic, []);

    /// <summary>The frequency for <paramref name="repository"/> and the rule that set it (null for the repository's own setting or MANUAL).</summary>
    public (string Frequency, ScanningRule? Rule) FrequencyFor(string repository, bool repositoryScanOnPush)
    {
        foreach (var frequency in (string[])[ScanningRule.ContinuousScan, ScanningRule.ScanOnPush])
        {
            if (Rules.FirstOrDefault(r => r.ScanFrequency == frequency && r.Matches(repository)) is { } rule)
            {
                return (frequency, rule);
            }
        }

        return (repositoryScanOnPush && ScanType == Basic ? ScanningRule.ScanOnPush : ScanningRule.Manual, null);
    }
}
