using System.Security.Cryptography;
using Berth.Core.Naming;
using Berth.Core.PublicRegistries;
using Berth.Server.EcrPublicApi;
using Berth.Server.Registries;

namespace Berth.Server.PublicDistribution;

/// <summary>
/// Serves repository logos at <c>/logos/&lt;alias&gt;/&lt;repository&gt;</c> on the public host, the logoUrl of
/// GetRepositoryCatalogData (with <c>?v=</c> the logo's hash prefix, so a new logo gets a new URL). Public, as the
/// gallery shows them to anyone; 404 when there is no such registry, repository or logo.
/// </summary>
internal static class LogoEndpoint
{
    private const string Prefix = "/logos/";

    public static IEndpointRouteBuilder MapPublicLogos(this IEndpointRouteBuilder app)
    {
        app.MapGet(Prefix + "{**path}", ServeAsync).WithName("PublicLogo");
        return app;
    }

    /// <summary>The logo's URL, <c>&lt;scheme&gt;://&lt;registryUri&gt;</c> with <c>/logos/</c> before the alias.</summary>
    public static string UrlOf(HttpRequest request, string registryUri, RepositoryName repository, byte[] logo)
    {
        var slash = registryUri.IndexOf('/', StringComparison.Ordinal);
        var version = Convert.ToHexStringLower(SHA256.HashData(logo))[..12];
        return $"{request.Scheme}://{registryUri[..slash]}{Prefix}{registryUri[(slash + 1)..]}/{repository}?v={version}";
    }

    private static async Task ServeAsync(HttpContext context, string path)
    {
        var services = context.RequestServices;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (!services.GetRequiredService<RegistryAddresses>().IsPublicHost(context.Request) || slash <= 0
            || !RepositoryName.TryParse(path[(slash + 1)..], out var repository)
            || await services.GetRequiredService<PublicRegistryService>().FindByAliasAsync(path[..slash], context.RequestAborted).ConfigureAwait(false) is not { } registry
            || await services.GetRequiredService<PublicRegistryService>().GetCatalogDataAsync(registry.AccountId, repository, context.RequestAborted).ConfigureAwait(false) is not { Logo: { } logo })
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = LogoImage.ContentTypeOf(logo);
        context.Response.ContentLength = logo.Length;
        context.Response.Headers.CacheControl = "public, max-age=300";
        await context.Response.Body.WriteAsync(logo, context.RequestAborted).ConfigureAwait(false);
    }
}
