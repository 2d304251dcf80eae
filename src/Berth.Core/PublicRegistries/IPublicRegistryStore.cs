using Berth.Core.Naming;

namespace Berth.Core.PublicRegistries;

/// <summary>
/// Port: the public registry of each account (alias, display name) and the catalog data of public repositories.
/// Spans registries (a singleton): aliases are unique across the deployment, and an alias names the account.
/// </summary>
public interface IPublicRegistryStore
{
    /// <summary>The public registry of <paramref name="accountId"/>, or null when it has none yet.</summary>
    ValueTask<PublicRegistry?> FindAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>The public registry whose alias is <paramref name="registryAlias"/>, or null.</summary>
    ValueTask<PublicRegistry?> FindByAliasAsync(string registryAlias, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the public registry of <paramref name="registry"/>'s account with its alias. False when the account
    /// already has one or the alias is taken (the caller reads again or tries another alias).
    /// </summary>
    ValueTask<bool> TryCreateAsync(PublicRegistry registry, CancellationToken cancellationToken);

    /// <summary>Sets the display name of an existing public registry.</summary>
    ValueTask SetDisplayNameAsync(string accountId, string displayName, CancellationToken cancellationToken);

    /// <summary>The catalog data of a repository of the account's public registry; null when it has none or does not exist.</summary>
    ValueTask<RepositoryCatalogData?> GetCatalogDataAsync(string accountId, RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>Replaces a public repository's catalog data; false when the repository does not exist.</summary>
    ValueTask<bool> PutCatalogDataAsync(string accountId, RepositoryName repository, RepositoryCatalogData data, CancellationToken cancellationToken);
}
