namespace Berth.Core.Repositories;

/// <summary>A repository and its settings, as CreateRepository and DescribeRepositories see it.</summary>
public sealed record Repository(
    string Name,
    DateTimeOffset CreatedAt,
    RepositorySettings Settings);

/// <summary>The settings a repository is created with and that the Put… operations change.</summary>
public sealed record RepositorySettings(
    string ImageTagMutability,
    IReadOnlyList<TagMutabilityExclusion> MutabilityExclusions,
    bool ScanOnPush,
    string EncryptionType,
    string? KmsKey)
{
    public static readonly RepositorySettings Default = new("MUTABLE", [], false, "AES256", null);

    /// <summary>
    /// Whether <paramref name="tag"/> may be moved: MUTABLE repositories allow it unless an exclusion matches;
    /// IMMUTABLE ones refuse it unless an exclusion matches (the _WITH_EXCLUSION variants).
    /// </summary>
    public bool AllowsRetag(string tag)
    {
        var excluded = MutabilityExclusions.Any(e => e.Matches(tag));
        return ImageTagMutability switch
        {
            "IMMUTABLE" => false,
            "IMMUTABLE_WITH_EXCLUSION" => excluded,
            "MUTABLE_WITH_EXCLUSION" => !excluded,
            _ => true,
        };
    }
}

/// <summary>An imageTagMutabilityExclusionFilter: a WILDCARD pattern where '*' matches any run of characters.</summary>
public sealed record TagMutabilityExclusion(string FilterType, string Filter)
{
    public bool Matches(string tag) => WildcardMatch(Filter, tag);

    private static bool WildcardMatch(string pattern, string value)
    {
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
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
