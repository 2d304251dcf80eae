using Berth.Core.Credentials;
using Berth.Core.Errors;

namespace Berth.Core.Registries;

/// <summary>
/// The registry's account settings (GetAccountSetting / PutAccountSetting): BASIC_SCAN_TYPE_VERSION,
/// REGISTRY_POLICY_SCOPE and BLOB_MOUNTING, each with ECR's allowed values and default. Values belong to one registry
/// (account and region, as ECR's are regional) and are kept with <see cref="ICredentialStore"/>'s per-account settings
/// under <c>account-setting:&lt;region&gt;:&lt;name&gt;</c>, so every node sees the same value.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutAccountSetting.html
/// </summary>
public sealed class AccountSettingService(ICredentialStore store, RegistryIdentity registry, AccountSettingDefaults defaults)
{
    public const string BasicScanTypeVersion = "BASIC_SCAN_TYPE_VERSION";
    public const string RegistryPolicyScope = "REGISTRY_POLICY_SCOPE";
    public const string BlobMounting = "BLOB_MOUNTING";

    // Stored under a prefix so that account settings never collide with the other per-account values of the store.
    private const string StoragePrefix = "account-setting:";

    private static readonly Dictionary<string, string[]> AllowedValues = new(StringComparer.Ordinal)
    {
        [BasicScanTypeVersion] = ["AWS_NATIVE"],
        [RegistryPolicyScope] = ["V1", "V2"],
        [BlobMounting] = ["ENABLED", "DISABLED"],
    };

    /// <summary>The setting's value: the stored one, or the default. Throws InvalidParameterException for an unknown name.</summary>
    public async ValueTask<string> GetAsync(string name, CancellationToken cancellationToken)
    {
        RequireKnown(name);
        return await store.GetSettingAsync(registry.AccountId, StorageName(name), cancellationToken).ConfigureAwait(false) ?? Default(name);
    }

    /// <summary>Stores a value; throws InvalidParameterException for an unknown name or a value the setting does not allow.</summary>
    public async ValueTask<string> PutAsync(string name, string value, CancellationToken cancellationToken)
    {
        var allowed = RequireKnown(name);
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            throw new RegistryException(EcrErrors.InvalidParameter,
                $"Invalid parameter at 'value' failed to satisfy constraint: 'Member must satisfy enum value set: [{string.Join(", ", allowed)}]'");
        }

        await store.SetSettingAsync(registry.AccountId, StorageName(name), value, cancellationToken).ConfigureAwait(false);
        return value;
    }

    /// <summary>Whether cross-repository blob mounts are honoured (BLOB_MOUNTING is ENABLED).</summary>
    public async ValueTask<bool> IsBlobMountingEnabledAsync(CancellationToken cancellationToken) =>
        await GetAsync(BlobMounting, cancellationToken).ConfigureAwait(false) == "ENABLED";

    private string StorageName(string name) => $"{StoragePrefix}{registry.Region}:{name}";

    private string Default(string name) => name switch
    {
        BlobMounting => defaults.BlobMounting,
        RegistryPolicyScope => "V2",
        _ => "AWS_NATIVE",
    };

    private static string[] RequireKnown(string name) =>
        AllowedValues.TryGetValue(name, out var allowed)
            ? allowed
            : throw new RegistryException(EcrErrors.InvalidParameter,
                $"Invalid parameter at 'name' failed to satisfy constraint: 'Member must satisfy enum value set: [{string.Join(", ", AllowedValues.Keys)}]'");
}
