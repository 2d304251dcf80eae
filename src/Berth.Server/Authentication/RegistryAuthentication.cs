using System.Text;
using Berth.Core.Caching;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;

namespace Berth.Server.Authentication;

/// <summary>
/// /v2/ authentication as ECR does it: <c>Authorization: Basic base64(AWS:&lt;token&gt;)</c> with a token from
/// GetAuthorizationToken. No credentials or a bad token: 401 with a Basic challenge; a token of another region: 403.
/// Whether the principal may use the registry (its own account's, or another's) is the authorizer's decision.
/// A token's signature, expiry and region are checked on every request. It names the access key it was minted with,
/// and that key's principal is re-validated from the store at most <see cref="AuthorizationCachePolicy.Lifetime"/>
/// (1 s) apart and after every change made on this node: a token of a deleted user, a deactivated or deleted key, or a
/// deleted role session stops working within that bound, and one of an expired session at its expiry.
/// </summary>
internal sealed class RegistryAuthentication(RegistryTokenService tokens, IdentityResolver identities, AuthorizationCachePolicy cachePolicy)
{
    // Access key id → the principal it belonged to when last read (null: inactive, deleted, or its owner gone).
    private readonly ShortLivedCache<string, Principal?> _revalidated = new(cachePolicy);

    public async ValueTask<Principal> AuthenticateAsync(HttpContext context, string region, CancellationToken cancellationToken)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            throw Challenge(context, "authentication required");
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            throw Challenge(context, "malformed Basic credentials");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || decoded[..colon] != "AWS")
        {
            throw Challenge(context, "the user name must be AWS");
        }

        var (result, principal) = await tokens.CheckAsync(decoded[(colon + 1)..], region, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            TokenCheck.Valid => await RevalidateAsync(principal!, cancellationToken).ConfigureAwait(false)
                ?? throw Challenge(context, "Your authorization token has expired or is invalid. Reauthenticate and try again."),
            TokenCheck.WrongRegistry => throw new RegistryException(RegistryErrorCode.Denied, "Your authorization token is not valid for this registry."),
            _ => throw Challenge(context, "Your authorization token has expired or is invalid. Reauthenticate and try again."),
        };
    }

    private async ValueTask<Principal?> RevalidateAsync(Principal claimed, CancellationToken cancellationToken)
    {
        if (!_revalidated.TryGet(claimed.AccessKeyId, out var current))
        {
            var start = _revalidated.Begin();
            (current, var validUntil) = await identities.FindKeyOwnerAsync(claimed.AccessKeyId, cancellationToken).ConfigureAwait(false);
            if (current is not null)
            {
                // Only a key that holds is kept: a refusal is read again next time, so nothing can pin it.
                _revalidated.Set(claimed.AccessKeyId, current, start, validUntil);
            }
        }

        // The key's principal now, provided it is still the one the token was minted for.
        return current is not null && current.Arn == claimed.Arn && current.AccountId == claimed.AccountId ? current : null;
    }

    private static RegistryException Challenge(HttpContext context, string message)
    {
        var request = context.Request;
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{request.Scheme}://{request.Host}/\",service=\"ecr.amazonaws.com\"";
        return new RegistryException(RegistryErrorCode.Unauthorized, message);
    }
}
