using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Core.Images;

/// <summary>The repositories of the registry, their settings and resource tags.</summary>
public interface IRepositoryStore
{
    ValueTask<bool> ExistsAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>The repository, or null.</summary>
    ValueTask<Repository?> FindAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>Creates a repository with its settings and resource tags and no policy; false when it already exists.</summary>
    ValueTask<bool> CreateAsync(RepositoryName repository, RepositorySettings settings, IReadOnlyList<KeyValuePair<string, string>> tags, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        CreateAsync(repository, settings, tags, null, createdAt, cancellationToken);

    /// <summary>
    /// Creates a repository with its settings, resource tags and repository policy (<paramref name="policyText"/>,
    /// already validated; null for none) in one transaction, so the repository is never seen without its policy;
    /// false when it already exists (nothing is changed then).
    /// </summary>
    ValueTask<bool> CreateAsync(
        RepositoryName repository, RepositorySettings settings, IReadOnlyList<KeyValuePair<string, string>> tags, string? policyText, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a repository with its images, tags, blob links and uploads. Without <paramref name="force"/> a repository
    /// that holds images is kept and <see cref="RepositoryDeletion.NotEmpty"/> returned.
    /// </summary>
    ValueTask<RepositoryDeletion> DeleteAsync(RepositoryName repository, bool force, CancellationToken cancellationToken);

    /// <summary>Replaces the settings; false when the repository does not exist.</summary>
    ValueTask<bool> UpdateSettingsAsync(RepositoryName repository, RepositorySettings settings, CancellationToken cancellationToken);

    /// <summary>Repositories in ordinal order of their names, after the name <see cref="PageRequest.After"/>, in one query.</summary>
    ValueTask<Page<Repository>> ListAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>The resource tags of a repository (ordered by key), or null when it does not exist.</summary>
    ValueTask<IReadOnlyList<KeyValuePair<string, string>>?> GetTagsAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>Adds or overwrites <paramref name="upsert"/> and removes <paramref name="remove"/>; false when the repository does not exist.</summary>
    ValueTask<bool> UpdateTagsAsync(RepositoryName repository, IReadOnlyList<KeyValuePair<string, string>> upsert, IReadOnlyList<string> remove, CancellationToken cancellationToken);

    /// <summary>The repository policy's text (null when it has none), or null when the repository does not exist.</summary>
    ValueTask<RepositoryPolicyLookup?> GetPolicyAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>
    /// The policy texts (null for none) of those of <paramref name="repositories"/> that exist, by name: one query per
    /// <see cref="PolicyBatch"/> names, so that a page of repositories is authorized without a query per repository.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, string?>> GetPoliciesAsync(IReadOnlyList<RepositoryName> repositories, CancellationToken cancellationToken);

    /// <summary>The most names <see cref="GetPoliciesAsync(IReadOnlyList{RepositoryName}, CancellationToken)"/> reads in one query.</summary>
    const int PolicyBatch = 500;

    /// <summary>Replaces the repository policy (null removes it); false when the repository does not exist.</summary>
    ValueTask<bool> SetPolicyAsync(RepositoryName repository, string? policyText, CancellationToken cancellationToken);
}

/// <summary>An existing repository's policy text, null when it has none.</summary>
public sealed record RepositoryPolicyLookup(string? PolicyText);

/// <summary>The result of deleting a repository.</summary>
public enum RepositoryDeletion
{
    Deleted,
    NotFound,
    NotEmpty,
}
