namespace Berth.Core.Scanning;

/// <summary>One rule of a registry scanning configuration: a frequency and WILDCARD repository filters.</summary>
public sealed record ScanningRule(string ScanFrequency, IReadOnlyList<string> Filters)
{
    public const string ScanOnPush = "SCAN_ON_PUSH";
    public const string ContinuousScan = "CONTINUOUS_SCAN";
    public const string Manual = "MANUAL";

    /// <summary>Whether a filter matches <paramref name="repository"/>: <c>*</c> stands for any run of characters.</summary>
    public bool Matches(string repository) => Filters.Any(f => Wildcard(f, repository));

    private static bool Wildcard(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
