namespace Berth.Core.PullThroughCache;

/// <summary>
/// A pull through cache rule: repositories named <c>&lt;EcrRepositoryPrefix&gt;/&lt;rest&gt;</c> (any name for ROOT) are
/// filled on first pull from <c>&lt;UpstreamRepositoryPrefix&gt;/&lt;rest&gt;</c> (just <c>&lt;rest&gt;</c> for ROOT) of the
/// upstream registry. <see cref="EcrRepositoryPrefix"/> is kept without the trailing '/' that ECR always assumes.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PullThroughCacheRule.html
/// </summary>
public sealed record PullThroughCacheRule(
    string EcrRepositoryPrefix,
    string UpstreamRegistryUrl,
    string? UpstreamRegistry,
    string? CredentialArn,
    string? CustomRoleArn,
    string UpstreamRepositoryPrefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const string Root = "ROOT";

    /// <summary>The most rules one registry may hold (ECR's quota).</summary>
    public const int MaxRules = 50;

    /// <summary>The prefix as stored and matched: without the trailing '/' ECR always assumes.</summary>
    public static string Normalize(string prefix) => prefix == Root ? Root : prefix.TrimEnd('/');

    /// <summary>The part of <paramref name="repository"/> after this rule's prefix, or null when the rule does not apply.</summary>
    public string? Remainder(string repository)
    {
        if (EcrRepositoryPrefix == Root)
        {
            return repository;
        }

        return repository.Length > EcrRepositoryPrefix.Length + 1
            && repository.StartsWith(EcrRepositoryPrefix, StringComparison.Ordinal)
            && repository[EcrRepositoryPrefix.Length] == '/'
            ? repository[(EcrRepositoryPrefix.Length + 1)..]
            : null;
    }

    /// <summary>The rule whose prefix is the longest that <paramref name="repository"/> falls under (ROOT last), or null.</summary>
    public static PullThroughCacheRule? Match(IEnumerable<PullThroughCacheRule> rules, string repository) =>
        rules.Where(r => r.Remainder(repository) is not null)
            .OrderByDescending(r => r.EcrRepositoryPrefix == Root ? -1 : r.EcrRepositoryPrefix.Length)
            .FirstOrDefault();

    /// <summary>The upstream repository a cached repository's name stands for (its remainder under the upstream prefix).</summary>
    public string UpstreamRepository(string remainder) =>
        UpstreamRepositoryPrefix == Root ? remainder : $"{UpstreamRepositoryPrefix.TrimEnd('/')}/{remainder}";
}
