using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>Registry policies in the table <c>registry_policies</c>, one row per (account, region).</summary>
internal sealed class SqlRegistryPolicyStore(MetadataDatabase database) : IRegistryPolicyStore
{
    public async ValueTask<string?> FindAsync(RegistryIdentity registry, CancellationToken cancellationToken) =>
        (string?)await database.ScalarAsync(
            "SELECT policy_text FROM registry_policies WHERE account_id = @account AND region = @region",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false);

    public async ValueTask PutAsync(RegistryIdentity registry, string policyText, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO registry_policies (account_id, region, policy_text) VALUES (@account, @region, @text)
            ON CONFLICT (account_id, region) DO UPDATE SET policy_text = excluded.policy_text
            """,
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@text", policyText)).ConfigureAwait(false);

    public async ValueTask<bool> DeleteAsync(RegistryIdentity registry, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "DELETE FROM registry_policies WHERE account_id = @account AND region = @region",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region)).ConfigureAwait(false) > 0;
}
