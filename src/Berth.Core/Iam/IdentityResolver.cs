using System.Security.Cryptography;
using System.Text;
using Berth.Core.Credentials;

namespace Berth.Core.Iam;

/// <summary>
/// Turns the access key id of a signed request into the principal behind it, reading the store every time so that a
/// deactivated or deleted key, a deleted user and a deleted role stop working at once. Long-term keys (AKIA…) belong to
/// the account root or a user; temporary keys (ASIA…) to a role session and need their session token.
/// </summary>
public sealed class IdentityResolver(ICredentialStore keys, IRoleSessionStore sessions, IIamEntityStore entities, SecretProtector protector, TimeProvider time)
{
    /// <summary>Resolves the signer of a request; <paramref name="sessionToken"/> is X-Amz-Security-Token or null.</summary>
    public ValueTask<CredentialLookup> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken) =>
        ResolveAsync(accessKeyId, sessionToken, checkToken: true, cancellationToken);

    /// <summary>
    /// The principal an access key belongs to now (an earlier authentication's, such as a registry token's, still holds
    /// when it is the same one): null when the key is inactive or gone, its owner deleted, or its session expired; for a
    /// role session also the time it ends. The secret is not decrypted: nothing is signed with it here.
    /// </summary>
    public async ValueTask<(Principal? Principal, DateTimeOffset? ValidUntil)> FindKeyOwnerAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        var lookup = await ResolveAsync(accessKeyId, null, checkToken: false, cancellationToken).ConfigureAwait(false);
        return (lookup.Principal, lookup.ValidUntil);
    }

    /// <summary>
    /// Checks that a principal authenticated earlier (a token's) still holds: same key, still active, owner still
    /// there, session not expired. Returns the current principal, or null. Read from the store every time.
    /// </summary>
    public async ValueTask<Principal?> RevalidateAsync(Principal principal, CancellationToken cancellationToken)
    {
        var (current, _) = await FindKeyOwnerAsync(principal.AccessKeyId, cancellationToken).ConfigureAwait(false);
        return current is not null && current.Arn == principal.Arn && current.AccountId == principal.AccountId ? current : null;
    }

    private async ValueTask<CredentialLookup> ResolveAsync(string accessKeyId, string? sessionToken, bool checkToken, CancellationToken cancellationToken)
    {
        if (accessKeyId.StartsWith("ASIA", StringComparison.Ordinal))
        {
            return await ResolveSessionAsync(accessKeyId, sessionToken, checkToken, cancellationToken).ConfigureAwait(false);
        }

        var key = await keys.FindAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
        if (key is not { IsActive: true } || (checkToken && sessionToken is not null))
        {
            return CredentialLookup.Unknown;
        }

        Principal principal;
        if (key.PrincipalArn == $"arn:aws:iam::{key.AccountId}:root")
        {
            principal = new Principal(key.AccountId, key.PrincipalArn, key.AccessKeyId, PrincipalKind.Root);
        }
        else
        {
            var user = await entities.FindByArnAsync(key.PrincipalArn, cancellationToken).ConfigureAwait(false);
            if (user is not { Kind: IamEntityKind.User })
            {
                return CredentialLookup.Unknown;
            }

            principal = new Principal(key.AccountId, user.Arn, key.AccessKeyId, PrincipalKind.User, user.Name, user.Id);
        }

        return new CredentialLookup(checkToken ? Encoding.UTF8.GetString(protector.Unprotect(key.SecretCiphertext)) : null, principal, false);
    }

    private async ValueTask<CredentialLookup> ResolveSessionAsync(string accessKeyId, string? sessionToken, bool checkToken, CancellationToken cancellationToken)
    {
        var session = await sessions.FindAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return CredentialLookup.Unknown;
        }

        if (checkToken && (sessionToken is null
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(sessionToken)), session.TokenHash)))
        {
            return CredentialLookup.Unknown;
        }

        if (session.ExpiresAt <= time.GetUtcNow())
        {
            return CredentialLookup.ExpiredToken;
        }

        var role = await entities.FindByArnAsync(session.RoleArn, cancellationToken).ConfigureAwait(false);
        if (role is null || role.Id != session.RoleId)
        {
            return CredentialLookup.Unknown;
        }

        var principal = new Principal(session.AccountId, session.AssumedRoleArn, accessKeyId, PrincipalKind.AssumedRole,
            UserId: $"{role.Id}:{session.SessionName}", RoleArn: role.Arn);
        var secret = checkToken ? Encoding.UTF8.GetString(protector.Unprotect(session.SecretCiphertext)) : null;
        return new CredentialLookup(secret, principal, false) { ValidUntil = session.ExpiresAt };
    }
}
