namespace Berth.Core.Credentials;

/// <summary>Access keys and per-account secret settings.</summary>
public interface ICredentialStore
{
    /// <summary>The access key with this id, or null.</summary>
    ValueTask<AccessKey?> FindAsync(string accessKeyId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces an access key.</summary>
    ValueTask SaveAsync(AccessKey key, CancellationToken cancellationToken);

    /// <summary>Whether the principal has any access key.</summary>
    ValueTask<bool> HasKeyAsync(string principalArn, CancellationToken cancellationToken);

    /// <summary>An account setting, or null.</summary>
    ValueTask<string?> GetSettingAsync(string accountId, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a setting unless one exists, and returns the stored value: concurrent nodes agree on the first one written.
    /// </summary>
    ValueTask<string> GetOrAddSettingAsync(string accountId, string name, string value, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a setting.</summary>
    ValueTask SetSettingAsync(string accountId, string name, string value, CancellationToken cancellationToken);
}
