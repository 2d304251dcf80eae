using Berth.Core.Errors;
using Berth.Server.Registries;

namespace Berth.Server.PublicDistribution;

/// <summary>
/// The public registries' 401: <c>WWW-Authenticate: Bearer realm="&lt;scheme&gt;://&lt;host&gt;/token/",service="&lt;host&gt;",scope="aws"</c>
/// as ECR Public sends it (the scheme follows the request, so http test setups work); a token that lacks a
/// repository's action gets the repository's scope and <c>error="insufficient_scope"</c>, as the token spec describes.
/// </summary>
internal static class PublicChallenge
{
    public static RegistryException Create(HttpContext context, string message, string? repositoryScope = null)
    {
        var host = context.RequestServices.GetRequiredService<RegistryAddresses>().PublicHostOf(context.Request);
        var realm = $"{context.Request.Scheme}://{host}/token/";
        context.Response.Headers.WWWAuthenticate = repositoryScope is null
            ? $"Bearer realm=\"{realm}\",service=\"{host}\",scope=\"aws\""
            : $"Bearer realm=\"{realm}\",service=\"{host}\",scope=\"{repositoryScope}\",error=\"insufficient_scope\"";
        return new RegistryException(RegistryErrorCode.Unauthorized, message);
    }
}
