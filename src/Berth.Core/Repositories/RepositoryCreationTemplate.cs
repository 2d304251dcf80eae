namespace Berth.Core.Repositories;

/// <summary>
/// A repository creation template: the settings ECR gives repositories it creates on the caller's behalf (on push,
/// by replication, by pull through cache) whose name starts with <see cref="Prefix"/> followed by '/', or any name
/// for the prefix ROOT.
/// See https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
/// </summary>
public sealed record RepositoryCreationTemplate(
    string Prefix,
    string? Description,
    string EncryptionType,
    string? KmsKey,
    IReadOnlyList<KeyValuePair<string, string>> ResourceTags,
    string ImageTagMutability,
    IReadOnlyList<TagMutabilityExclusion> MutabilityExclusions,
    string? RepositoryPolicy,
    string? LifecyclePolicy,
    IReadOnlyList<string> AppliedFor,
    string? CustomRoleArn,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const string Root = "ROOT";
    public const string CreateOnPush = "CREATE_ON_PUSH";
    public const string Replication = "REPLICATION";
    public const string PullThroughCache = "PULL_THROUGH_CACHE";

    /// <summary>The settings a repository created from this template starts with.</summary>
    public RepositorySettings ToSettings() =>
        new(ImageTagMutability, MutabilityExclusions, false, EncryptionType, KmsKey);

    /// <summary>
    /// The prefixes whose templates apply to <paramref name="repository"/>, most specific first: each leading run of
    /// path segments (with and without the trailing '/' ECR always assumes), then ROOT.
    /// </summary>
    public static IEnumerable<string> CandidatePrefixes(string repository)
    {
        for (var slash = repository.LastIndexOf('/'); slash > 0; slash = repository.LastIndexOf('/', slash - 1))
        {
            yield return repository[..slash];
            yield return repository[..(slash + 1)];
        }

        yield return Root;
    }
}
