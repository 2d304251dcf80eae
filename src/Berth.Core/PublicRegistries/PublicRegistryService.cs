using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Berth.Core.Errors;
using Berth.Core.Naming;

namespace Berth.Core.PublicRegistries;

/// <summary>
/// Each account's public registry, created with a default alias on first use (AWS assigns one when the registry is
/// created: a random lower-case name, here a letter and seven letters or digits), and the aliases' lookup.
/// </summary>
public sealed partial class PublicRegistryService(IPublicRegistryStore store, TimeProvider time)
{
    private const string AliasAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The account's public registry, created with a fresh default alias the first time.</summary>
    public async ValueTask<PublicRegistry> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            if (await store.FindAsync(accountId, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return existing;
            }

            var created = new PublicRegistry(accountId, NewAlias(), string.Empty, time.GetUtcNow());
            if (await store.TryCreateAsync(created, cancellationToken).ConfigureAwait(false))
            {
                return created;
            }
        }

        throw new InvalidOperationException($"No free default alias was found for the public registry of account {accountId}.");
    }

    /// <summary>The public registry an alias names, or null.</summary>
    public ValueTask<PublicRegistry?> FindByAliasAsync(string alias, CancellationToken cancellationToken) =>
        IsValidAlias(alias) ? store.FindByAliasAsync(alias, cancellationToken) : ValueTask.FromResult<PublicRegistry?>(null);

    /// <summary>Sets the display name (PutRegistryCatalogData) and returns the registry as it now is.</summary>
    public async ValueTask<PublicRegistry> SetDisplayNameAsync(string accountId, string displayName, CancellationToken cancellationToken)
    {
        var registry = await GetAsync(accountId, cancellationToken).ConfigureAwait(false);
        await store.SetDisplayNameAsync(accountId, displayName, cancellationToken).ConfigureAwait(false);
        return registry with { DisplayName = displayName };
    }

    /// <summary>A repository's catalog data; empty when none was ever put (as a repository created without it answers).</summary>
    public async ValueTask<RepositoryCatalogData> GetCatalogDataAsync(string accountId, RepositoryName repository, CancellationToken cancellationToken) =>
        await store.GetCatalogDataAsync(accountId, repository, cancellationToken).ConfigureAwait(false) ?? RepositoryCatalogData.Empty;

    /// <summary>Replaces a repository's catalog data; RepositoryNotFoundException when the repository is missing.</summary>
    public async ValueTask PutCatalogDataAsync(string accountId, RepositoryName repository, RepositoryCatalogData data, CancellationToken cancellationToken)
    {
        if (!await store.PutCatalogDataAsync(accountId, repository, data, cancellationToken).ConfigureAwait(false))
        {
            throw EcrErrors.RepositoryMissing(repository.Value, accountId);
        }
    }

    /// <summary>ECR Public's alias rule (RegistryAliasName): 2 to 50 characters, <c>[a-z][a-z0-9]+(?:[._-][a-z0-9]+)*</c>.</summary>
    public static bool IsValidAlias(string? alias) => alias is { Length: >= 2 and <= 50 } && AliasPattern().IsMatch(alias);

    private static string NewAlias()
    {
        Span<char> alias = stackalloc char[8];
        alias[0] = AliasAlphabet[RandomNumberGenerator.GetInt32(26)];
        for (var i = 1; i < alias.Length; i++)
        {
            alias[i] = AliasAlphabet[RandomNumberGenerator.GetInt32(AliasAlphabet.Length)];
        }

        return new string(alias);
    }

    [GeneratedRegex("^[a-z][a-z0-9]+(?:[._-][a-z0-9]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();
}
