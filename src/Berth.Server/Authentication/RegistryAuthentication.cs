using System.Text;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;

namespace Berth.Server.Authentication;

/// <summary>
/// /v2/ authentication as ECR does it: <c>Authorization: Basic base64(AWS:&lt;token&gt;)</c> with a token from
/// GetAuthorizationToken. No credentials or a bad token: 401 with a Basic challenge; a token of another region: 403.
/// Whether the principal may use the registry (its own account's, or another's) is the authorizer's decision.
/// A token names the access key it was minted with, and every request re-validates that key's principal: a token of
/// a deleted user, a deactivated or deleted key, or an expired or deleted role session stops working at once.
/// </summary>
internal sealed class RegistryAuthentication(RegistryTokenService tokens, IdentityResolver identities)
{
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
            TokenCheck.Valid => await identities.RevalidateAsync(principal!, cancellationToken).ConfigureAwait(false)
                ?? throw Challenge(context, "Your authorization token has expired or is invalid. Reauthenticate and try again."),
            TokenCheck.WrongRegistry => throw new RegistryException(RegistryErrorCode.Denied, "Your authorization token is not valid for this registry."),
            _ => throw Challenge(context, "Your authorization token has expired or is invalid. Reauthenticate and try again."),
        };
    }

    private static RegistryException Challenge(HttpContext context, string message)
    {
        var request = context.Request;
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{request.Scheme}://{request.Host}/\",service=\"ecr.amazonaws.com\"";
        return new RegistryException(RegistryErrorCode.Unauthorized, message);
    }
}
