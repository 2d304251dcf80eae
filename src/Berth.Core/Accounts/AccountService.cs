using Berth.Core.Credentials;
using Berth.Core.Registries;

namespace Berth.Core.Accounts;

/// <summary>
/// Creates and lists the accounts of the deployment. An account comes with its root access key
/// (principal arn:aws:iam::&lt;id&gt;:root), generated or given by the operator.
/// </summary>
public sealed class AccountService(IAccountStore accounts, RootCredentials root, TimeProvider time)
{
    /// <summary>
    /// Creates an account and its root key. Throws <see cref="ArgumentException"/> for an id that is not 12 digits or
    /// for only one of key id and secret, and <see cref="InvalidOperationException"/> when the account or the key id exists.
    /// </summary>
    public async ValueTask<AccountCreation> CreateAsync(string accountId, string? accessKeyId, string? secret, CancellationToken cancellationToken)
    {
        if (!RegistryIdentity.IsValidAccountId(accountId))
        {
            throw new ArgumentException($"'{accountId}' is not an AWS account id: it must be exactly 12 digits.", nameof(accountId));
        }

        if (string.IsNullOrEmpty(accessKeyId) != string.IsNullOrEmpty(secret))
        {
            throw new ArgumentException("Give both the access key id and the secret access key, or neither.", nameof(accessKeyId));
        }

        if (!string.IsNullOrEmpty(accessKeyId) && await root.KeyExistsAsync(accessKeyId, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The access key id '{accessKeyId}' is already in use.");
        }

        if (!await accounts.CreateAsync(accountId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The account '{accountId}' already exists.");
        }

        if (!string.IsNullOrEmpty(accessKeyId))
        {
            await root.EnsureAsync(accountId, accessKeyId, secret, cancellationToken).ConfigureAwait(false);
            return new AccountCreation(accountId, accessKeyId, null);
        }

        var created = await root.EnsureAsync(accountId, null, null, cancellationToken).ConfigureAwait(false);
        return new AccountCreation(accountId, created!.Value.AccessKeyId, created.Value.Secret);
    }

    /// <summary>
    /// Makes sure the configured default account exists and has a root key: imports the given key, or creates one on
    /// first start and returns it so it can be shown once.
    /// </summary>
    public async ValueTask<(string AccessKeyId, string Secret)?> EnsureDefaultAsync(
        string accountId, string? accessKeyId, string? secret, CancellationToken cancellationToken)
    {
        await accounts.CreateAsync(accountId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return await root.EnsureAsync(accountId, accessKeyId, secret, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<bool> ExistsAsync(string accountId, CancellationToken cancellationToken) => accounts.ExistsAsync(accountId, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => accounts.ListAsync(cancellationToken);
}
