using System.Security.Cryptography;
using System.Text;
using Berth.Core.Credentials;
using Berth.Core.IamPolicies;

namespace Berth.Core.Iam;

/// <summary>
/// STS AssumeRole: checks that the role exists and trusts the caller (and, as AWS requires, that the caller may call
/// sts:AssumeRole), then issues temporary credentials (ASIA… key, secret, session token) valid for DurationSeconds
/// (900 to the role's MaxSessionDuration, default 3600; at most one hour when a role session assumes a role).
/// </summary>
public sealed class RoleSessionService(IIamEntityStore entities, IRoleSessionStore sessions, IamAuthorization authorization, SecretProtector protector, TimeProvider time)
{
    public const int DefaultDurationSeconds = 3600;
    private const int ChainedMaxDurationSeconds = 3600;

    // Expired sessions are kept a day so that their use is answered with ExpiredToken rather than an invalid token.
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);

    public async ValueTask<AssumedRoleCredentials> AssumeRoleAsync(
        Principal caller, string roleArn, string sessionName, int? durationSeconds, RequestContext context, CancellationToken cancellationToken)
    {
        if (caller.Kind == PrincipalKind.Root)
        {
            throw IamException.AccessDenied("Roots may not assume roles.");
        }

        var denied = IamException.AccessDenied($"User: {caller.Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
        var role = await entities.FindByArnAsync(roleArn, cancellationToken).ConfigureAwait(false);
        if (role is not { Kind: IamEntityKind.Role } || !await authorization.CanAssumeAsync(caller, role, context, cancellationToken).ConfigureAwait(false))
        {
            throw denied;
        }

        var duration = durationSeconds ?? DefaultDurationSeconds;
        if (caller.Kind == PrincipalKind.AssumedRole && duration > ChainedMaxDurationSeconds)
        {
            throw IamException.Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }

        if (duration > (role.MaxSessionDuration ?? IamIdentityService.DefaultMaxSessionDuration))
        {
            throw IamException.Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }

        var now = time.GetUtcNow();
        var secret = IamIds.SecretAccessKey();
        var token = IamIds.SessionToken();
        var session = new RoleSession(IamIds.TemporaryAccessKeyId(), role.AccountId, role.Id, role.Arn, sessionName,
            protector.Protect(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(token)), now, now.AddSeconds(duration));
        await sessions.SaveAsync(session, now - ForgetAfter, cancellationToken).ConfigureAwait(false);
        return new AssumedRoleCredentials(session.AccessKeyId, secret, token, session.ExpiresAt, $"{role.Id}:{sessionName}", session.AssumedRoleArn);
    }
}
