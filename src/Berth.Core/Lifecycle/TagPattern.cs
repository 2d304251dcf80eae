namespace Berth.Core.Lifecycle;

/// <summary>
/// tagPatternList entries: the whole tag must match, <c>*</c> matches any run of characters (none included), and every
/// other character matches itself (case-sensitive). At most <see cref="MaxWildcards"/> wildcards per entry.
/// </summary>
public static class TagPattern
{
    public const int MaxWildcards = 4;

    /// <summary>Greedy glob match with backtracking to the last <c>*</c> only: at most tag × pattern steps.</summary>
    public static bool IsMatch(string pattern, string tag)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < tag.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && pattern[p] == tag[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
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
