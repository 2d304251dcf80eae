using System.Text;
using Berth.Core.Credentials;

namespace Berth.Core.Iam;

/// <summary>
/// Access keys of users (and of the account root, when root manages its own): AKIA… ids, 40-character secrets
/// encrypted with the master key and returned only by <see cref="CreateAsync"/>, at most two per owner.
/// </summary>
public sealed class AccessKeyService(IAccessKeyStore store, SecretProtector protector, TimeProvider time)
{
    public const int MaxKeysPerUser = 2;

    /// <summary>Creates a key for the owner; the secret is in the result and nowhere else in plain text.</summary>
    public async ValueTask<(AccessKeyMetadata Key, string Secret)> CreateAsync(string accountId, string ownerArn, CancellationToken cancellationToken)
    {
        var secret = IamIds.SecretAccessKey();
        var key = new AccessKey(IamIds.AccessKeyId(), accountId, ownerArn, protector.Protect(Encoding.UTF8.GetBytes(secret)), "Active", time.GetUtcNow());
        if (!await store.CreateAsync(key, MaxKeysPerUser, cancellationToken).ConfigureAwait(false))
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for AccessKeysPerUser: {MaxKeysPerUser}");
        }

        return (new AccessKeyMetadata(key.AccessKeyId, key.Status, key.CreatedAt), secret);
    }

    public ValueTask<IReadOnlyList<AccessKeyMetadata>> ListAsync(string ownerArn, CancellationToken cancellationToken) =>
        store.ListAsync(ownerArn, cancellationToken);

    public async ValueTask SetStatusAsync(string ownerArn, string accessKeyId, string status, CancellationToken cancellationToken)
    {
        if (!await store.SetStatusAsync(ownerArn, accessKeyId, status, cancellationToken).ConfigureAwait(false))
        {
            throw NoSuchKey(accessKeyId);
        }
    }

    public async ValueTask DeleteAsync(string ownerArn, string accessKeyId, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(ownerArn, accessKeyId, cancellationToken).ConfigureAwait(false))
        {
            throw NoSuchKey(accessKeyId);
        }
    }

    private static IamException NoSuchKey(string accessKeyId) => IamException.NoSuchEntity($"The Access Key with id {accessKeyId} cannot be found.");
}
