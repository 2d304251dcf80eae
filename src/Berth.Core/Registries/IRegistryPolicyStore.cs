namespace Berth.Core.Registries;

/// <summary>
/// The registry policy of each registry (account, region): PutRegistryPolicy's JSON text, stored as given once it has
/// been validated. Safe for concurrent use; the last write wins.
/// </summary>
public interface IRegistryPolicyStore
{
    /// <summary>The registry's policy text, or null when it has none.</summary>
    ValueTask<string?> FindAsync(RegistryIdentity registry, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the registry's policy.</summary>
    ValueTask PutAsync(RegistryIdentity registry, string policyText, CancellationToken cancellationToken);

    /// <summary>Removes the registry's policy; false when it had none.</summary>
    ValueTask<bool> DeleteAsync(RegistryIdentity registry, CancellationToken cancellationToken);
}
