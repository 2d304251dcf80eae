using System.Security.Cryptography;
using System.Text;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Paging;
using Berth.Core.Registries;

namespace Berth.Core.Secrets;

/// <summary>
/// The Secrets Manager operations Berth serves (CreateSecret, GetSecretValue, PutSecretValue, DescribeSecret,
/// ListSecrets, DeleteSecret) over the secrets of one (account, region), with AWS's rules and wordings. Values are
/// sealed under the master key before they reach the store. A secret whose scheduled deletion date has passed is gone:
/// the first call that meets it deletes it.
/// See https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html
/// </summary>
public sealed class SecretService(ISecretStore store, SecretProtector protector, RegistryIdentity registry, TimeProvider time)
{
    public const string CurrentStage = "AWSCURRENT";
    private const int DefaultRecoveryDays = 30;

    /// <summary>The value of a secret: text or bytes.</summary>
    public sealed record SecretValue(string? Text, byte[]? Binary);

    /// <summary>Creates a secret with its first version; ResourceExistsException when the name is taken.</summary>
    public async ValueTask<Secret> CreateAsync(string name, string? description, SecretValue? value, string? versionId, CancellationToken cancellationToken)
    {
        var existing = await FindLiveOrScheduledAsync(name, cancellationToken).ConfigureAwait(false);
        if (existing is { DeletionDate: not null })
        {
            throw new RegistryException(SecretsErrors.InvalidRequest, "You can't create this secret because a secret with this name is already scheduled for deletion.");
        }

        var now = time.GetUtcNow();
        var secret = new Secret(name, $"arn:{registry.Partition}:secretsmanager:{registry.Region}:{registry.AccountId}:secret:{name}-{Suffix()}", description,
            Seal(value), value?.Binary is not null, versionId ?? Guid.NewGuid().ToString("D"), now, now, null);
        if (existing is not null || !await store.CreateAsync(secret, cancellationToken).ConfigureAwait(false))
        {
            throw new RegistryException(SecretsErrors.ResourceExists, $"The operation failed because the secret {name} already exists.");
        }

        return secret;
    }

    /// <summary>The secret and its current value; ResourceNotFoundException when it (or the asked version) does not exist.</summary>
    public async ValueTask<(Secret Secret, SecretValue Value)> GetValueAsync(string secretId, string? versionId, string? versionStage, CancellationToken cancellationToken)
    {
        var secret = await GetAsync(secretId, cancellationToken).ConfigureAwait(false);
        RequireNotScheduled(secret);
        if (versionStage is not null && versionStage != CurrentStage)
        {
            throw new RegistryException(SecretsErrors.ResourceNotFound, $"Secrets Manager can't find the specified secret value for staging label: {versionStage}");
        }

        if (versionId is not null && versionId != secret.VersionId)
        {
            throw new RegistryException(SecretsErrors.ResourceNotFound, $"Secrets Manager can't find the specified secret value for VersionId: {versionId}");
        }

        if (secret.SealedValue.Length == 0)
        {
            throw new RegistryException(SecretsErrors.ResourceNotFound, $"Secrets Manager can't find the specified secret value for staging label: {CurrentStage}");
        }

        var plain = protector.Unprotect(secret.SealedValue);
        return (secret, secret.IsBinary ? new SecretValue(null, plain) : new SecretValue(Encoding.UTF8.GetString(plain), null));
    }

    /// <summary>Stores a new current version of the value.</summary>
    public async ValueTask<Secret> PutValueAsync(string secretId, SecretValue value, string? versionId, CancellationToken cancellationToken)
    {
        var secret = await GetAsync(secretId, cancellationToken).ConfigureAwait(false);
        RequireNotScheduled(secret);
        var updated = secret with
        {
            SealedValue = Seal(value),
            IsBinary = value.Binary is not null,
            VersionId = versionId ?? Guid.NewGuid().ToString("D"),
            LastChangedAt = time.GetUtcNow(),
        };
        return await store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false) ? updated : throw SecretsErrors.NotFound();
    }

    /// <summary>The secret (also when its deletion is scheduled); ResourceNotFoundException when there is none.</summary>
    public async ValueTask<Secret> GetAsync(string secretId, CancellationToken cancellationToken) =>
        await FindAsync(secretId, cancellationToken).ConfigureAwait(false) ?? throw SecretsErrors.NotFound();

    /// <summary>
    /// The secret a SecretId names: its name, its ARN, or its ARN without the six random characters; null when none
    /// does (an ARN of another account or region names none here).
    /// </summary>
    public async ValueTask<Secret?> FindAsync(string secretId, CancellationToken cancellationToken)
    {
        if (!secretId.StartsWith("arn:", StringComparison.Ordinal))
        {
            return await FindLiveOrScheduledAsync(secretId, cancellationToken).ConfigureAwait(false);
        }

        var parts = secretId.Split(':', 7);
        if (parts.Length != 7 || parts[2] != "secretsmanager" || parts[3] != registry.Region || parts[4] != registry.AccountId || parts[5] != "secret")
        {
            return null;
        }

        var resource = parts[6];
        if (await FindLiveOrScheduledAsync(resource, cancellationToken).ConfigureAwait(false) is { } byName)
        {
            return byName;
        }

        return resource.Length > 7 && resource[^7] == '-'
            && await FindLiveOrScheduledAsync(resource[..^7], cancellationToken).ConfigureAwait(false) is { } secret && secret.Arn == secretId
            ? secret
            : null;
    }

    public async ValueTask<Page<Secret>> ListAsync(PageRequest page, bool includePlannedDeletion, CancellationToken cancellationToken)
    {
        var found = await store.ListAsync(page, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return found with
        {
            Items = found.Items.Where(s => s.DeletionDate is null || (includePlannedDeletion && s.DeletionDate > now)).ToList(),
        };
    }

    /// <summary>
    /// Schedules the deletion after a recovery window of 7 to 30 days (30 by default), or deletes at once with
    /// <paramref name="force"/>. Returns the secret with its deletion date.
    /// </summary>
    public async ValueTask<Secret> DeleteAsync(string secretId, long? recoveryWindowDays, bool force, CancellationToken cancellationToken)
    {
        if (force && recoveryWindowDays is not null)
        {
            throw new RegistryException(SecretsErrors.InvalidParameter, "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }

        if (recoveryWindowDays is < 7 or > 30)
        {
            throw new RegistryException(SecretsErrors.InvalidParameter, "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
        }

        var secret = await GetAsync(secretId, cancellationToken).ConfigureAwait(false);
        if (force)
        {
            await store.DeleteAsync(secret.Arn, cancellationToken).ConfigureAwait(false);
            return secret with { DeletionDate = time.GetUtcNow() };
        }

        RequireNotScheduled(secret);
        var scheduled = secret with { DeletionDate = time.GetUtcNow().AddDays(recoveryWindowDays ?? DefaultRecoveryDays) };
        return await store.UpdateAsync(scheduled, cancellationToken).ConfigureAwait(false) ? scheduled : throw SecretsErrors.NotFound();
    }

    private async ValueTask<Secret?> FindLiveOrScheduledAsync(string name, CancellationToken cancellationToken)
    {
        var secret = await store.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (secret?.DeletionDate is { } date && date <= time.GetUtcNow())
        {
            await store.DeleteAsync(secret.Arn, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return secret;
    }

    private static void RequireNotScheduled(Secret secret)
    {
        if (secret.DeletionDate is not null)
        {
            throw new RegistryException(SecretsErrors.InvalidRequest, "You can't perform this operation on the secret because it was marked for deletion.");
        }
    }

    private byte[] Seal(SecretValue? value) => value switch
    {
        null => [],
        { Binary: { } bytes } => protector.Protect(bytes),
        _ => protector.Protect(Encoding.UTF8.GetBytes(value.Text ?? string.Empty)),
    };

    // AWS appends a hyphen and six random characters to the name in the ARN.
    private static string Suffix() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 6);
}
