using Berth.Core.Paging;

namespace Berth.Core.Repositories;

/// <summary>The repository creation templates of the registry, keyed by their prefix exactly as created.</summary>
public interface IRepositoryCreationTemplateStore
{
    /// <summary>The template with this prefix, or null.</summary>
    ValueTask<RepositoryCreationTemplate?> FindAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Stores a new template; false (and nothing changed) when one with its prefix exists.</summary>
    ValueTask<bool> CreateAsync(RepositoryCreationTemplate creationTemplate, CancellationToken cancellationToken);

    /// <summary>Replaces the template with the same prefix, keeping its creation time; false when there is none.</summary>
    ValueTask<bool> UpdateAsync(RepositoryCreationTemplate creationTemplate, CancellationToken cancellationToken);

    /// <summary>Deletes the template with this prefix; false when there is none.</summary>
    ValueTask<bool> DeleteAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Templates in ordinal order of prefix, after <see cref="PageRequest.After"/>.</summary>
    ValueTask<Page<RepositoryCreationTemplate>> ListAsync(PageRequest page, CancellationToken cancellationToken);
}
