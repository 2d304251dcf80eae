using Berth.Core.Credentials;

namespace Berth.Core.Iam;

/// <summary>The access keys of a principal (a user, or the account root), as IAM manages them.</summary>
public interface IAccessKeyStore
{
    /// <summary>Stores the key unless its owner already has <paramref name="maxKeys"/> keys; false then.</summary>
    ValueTask<bool> CreateAsync(AccessKey key, int maxKeys, CancellationToken cancellationToken);

    /// <summary>The owner's keys, oldest first.</summary>
    ValueTask<IReadOnlyList<AccessKeyMetadata>> ListAsync(string principalArn, CancellationToken cancellationToken);

    /// <summary>Sets Active or Inactive; false when the owner has no key of that id.</summary>
    ValueTask<bool> SetStatusAsync(string principalArn, string accessKeyId, string status, CancellationToken cancellationToken);

    /// <summary>Deletes the key; false when the owner has no key of that id.</summary>
    ValueTask<bool> DeleteAsync(string principalArn, string accessKeyId, CancellationToken cancellationToken);
}
