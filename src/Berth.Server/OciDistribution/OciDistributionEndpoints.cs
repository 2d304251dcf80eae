using Berth.Core.Accounts;
using Berth.Core.Blobs;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.Hosting;
using Berth.Server.Registries;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Berth.Server.OciDistribution;

/// <summary>
/// Maps the whole /v2/ API. One ASP.NET endpoint receives every /v2/ request and <see cref="OciRoute"/> decides
/// which resource handler answers it; each resource lives in its own file. The registry is the one the Host names
/// (<see cref="RegistryAddresses"/>); the order of checks is: token (401, or 403 for another region), registry hosted
/// here (404 NAME_UNKNOWN), route, then the authorization of the action on the repository (403 DENIED).
/// </summary>
internal static class OciDistributionEndpoints
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    public static IEndpointRouteBuilder MapOciDistribution(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/v2", Methods, DispatchAsync).WithName("OciBase");
        app.MapMethods("/v2/{**path}", Methods, DispatchAsync).WithName("OciDistribution");
        return app;
    }

    private static async Task DispatchAsync(HttpContext context)
    {
        context.Response.Headers[OciHeaders.ApiVersion] = OciHeaders.ApiVersionValue;
        try
        {
            var services = context.RequestServices;
            var addresses = services.GetRequiredService<RegistryAddresses>();
            if (addresses.IsPublicHost(context.Request))
            {
                // The public registries: /v2/<alias>/<repository>/…, with Bearer tokens and anonymous pulls.
                await PublicDistribution.PublicDistributionEndpoint.DispatchAsync(context).ConfigureAwait(false);
                return;
            }

            var registry = addresses.Resolve(context.Request);
            RequestRegistry.Set(context, registry);
            Principal? principal = null;
            if (services.GetRequiredService<IOptions<BerthOptions>>().Value.RequireRegistryAuthentication)
            {
                // Every /v2/ request, the base endpoint included, needs the registry token (ECR answers 401 otherwise).
                principal = await services.GetRequiredService<RegistryAuthentication>()
                    .AuthenticateAsync(context, registry.Region, context.RequestAborted).ConfigureAwait(false);
            }

            if (registry.AccountId != addresses.Default.AccountId
                && !await services.GetRequiredService<AccountService>().ExistsAsync(registry.AccountId, context.RequestAborted).ConfigureAwait(false))
            {
                throw UnknownRegistry(context, registry);
            }

            await RouteAsync(context, registry, principal).ConfigureAwait(false);
        }
        catch (RegistryException e)
        {
            await OciErrorWriter.WriteAsync(context, e).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals: a body over the limit, a truncated body, a malformed chunk.
            var code = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "SIZE_INVALID" : "BLOB_UPLOAD_INVALID";
            await OciErrorWriter.WriteAsync(context, e.StatusCode, code, e.Message, null).ConfigureAwait(false);
        }
    }

    private static async Task RouteAsync(HttpContext context, RegistryIdentity registry, Principal? principal)
    {
        var route = Route(context);
        if (principal is not null && route.Resource == OciResource.Catalog)
        {
            OciAudit.Begin(context, registry, principal, route, "ecr:DescribeRepositories");
            // The catalog shows only the repositories the caller may describe (CatalogEndpoint filters each one).
            context.Items[typeof(Principal)] = principal;
        }
        else if (principal is not null && OciActions.Of(route.Resource, context.Request.Method) is { } action)
        {
            OciAudit.Begin(context, registry, principal, route, action);
            var resource = registry.RepositoryArn(route.Name.Length == 0 ? "*" : route.Name);
            var authorizer = context.RequestServices.GetRequiredService<IRegistryAuthorizer>();
            var conditions = RequestConditions.Of(context);
            await AuditTrail.DeniedAuthorization.AuthorizeAsync(context, authorizer, principal, registry, action, resource, conditions).ConfigureAwait(false);
            if (route.Resource == OciResource.Uploads && context.Request.Query.ContainsKey("mount")
                && RepositoryName.TryParse(context.Request.Query["from"].ToString(), out var source))
            {
                // A cross-repository mount reads the source's layer: it needs what a pull of that layer needs.
                await AuditTrail.DeniedAuthorization.AuthorizeAsync(context, authorizer, principal, registry, "ecr:GetDownloadUrlForLayer", registry.RepositoryArn(source.Value), conditions).ConfigureAwait(false);
            }
        }

        if (principal is not null)
        {
            // A pull through cache import is authorized for the caller (ecr:BatchImportUpstreamImage, ecr:CreateRepository).
            context.Items[PullThroughCache.PullThroughCacheService.PrincipalItem] = principal;
        }

        await HandleAsync(context, route).ConfigureAwait(false);
    }

    private static OciRoute Route(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        path = path.Length <= 4 ? string.Empty : path[4..];
        return OciRoute.Parse(path)
            ?? throw new RegistryException(RegistryErrorCode.EndpointNotFound, $"no /v2/ endpoint matches '{context.Request.Path}'");
    }

    /// <summary>
    /// A host naming an account this deployment does not hold: the repository is unknown, worded as ECR words a
    /// missing repository (404 NAME_UNKNOWN), and the registry itself for the base and catalog endpoints.
    /// </summary>
    private static RegistryException UnknownRegistry(HttpContext context, RegistryIdentity registry)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var route = OciRoute.Parse(path.Length <= 4 ? string.Empty : path[4..]);
        return route is { Name: { Length: > 0 } name } && route.Resource is not (OciResource.Base or OciResource.Catalog)
            ? new RegistryException(RegistryErrorCode.NameUnknown,
                $"The repository with name '{name}' does not exist in the registry with id '{registry.AccountId}'", new { Name = name })
            : new RegistryException(RegistryErrorCode.NameUnknown, $"The registry with id '{registry.AccountId}' does not exist in {registry.Region}");
    }

    /// <summary>Serves a routed request of the registry the edge set (the public face passes the name without its alias).</summary>
    public static Task HandleAsync(HttpContext context, OciRoute route)
    {
        var method = context.Request.Method;
        var services = context.RequestServices;

        if (route.Resource == OciResource.Base)
        {
            return Allow(method, "GET", "HEAD") ? BaseEndpoint.HandleAsync(context) : Unsupported(method);
        }

        if (route.Resource == OciResource.Catalog)
        {
            return Allow(method, "GET") ? CatalogEndpoint.HandleAsync(context, services.GetRequiredService<ImageService>()) : Unsupported(method);
        }

        if (!RepositoryName.TryParse(route.Name, out var name))
        {
            throw new RegistryException(RegistryErrorCode.NameInvalid, $"invalid repository name '{route.Name}'", new { Name = route.Name });
        }

        // Resolved by the branch that needs it: the scoped services of uploads are not built for a manifest GET.
        ImageService Images() => services.GetRequiredService<ImageService>();
        BlobUploadService Uploads() => services.GetRequiredService<BlobUploadService>();
        switch (route.Resource)
        {
            case OciResource.Tags when Allow(method, "GET"):
                return TagEndpoint.HandleAsync(context, name, Images());
            case OciResource.Manifest when Allow(method, "GET", "HEAD"):
                return ManifestEndpoint.GetAsync(context, name, route.Argument, Images());
            case OciResource.Manifest when Allow(method, "PUT"):
                return ManifestEndpoint.PutAsync(context, name, route.Argument, Images());
            case OciResource.Manifest when Allow(method, "DELETE"):
                return ManifestEndpoint.DeleteAsync(context, name, route.Argument, Images());
            case OciResource.Blob when Allow(method, "GET", "HEAD"):
                return BlobEndpoint.GetAsync(context, name, route.Argument, services);
            case OciResource.Blob when Allow(method, "DELETE"):
                return BlobEndpoint.DeleteAsync(context, name, route.Argument, services);
            case OciResource.Referrers when Allow(method, "GET"):
                return ReferrerEndpoint.HandleAsync(context, name, route.Argument, Images());
            case OciResource.Uploads when Allow(method, "POST"):
                LiftBodyLimit(context);
                return BlobUploadEndpoint.StartAsync(context, name, Uploads(), services.GetRequiredService<IOptions<BerthOptions>>().Value);
            case OciResource.Upload when Allow(method, "GET"):
                return BlobUploadEndpoint.StatusAsync(context, name, route.Argument, Uploads());
            case OciResource.Upload when Allow(method, "PATCH"):
                LiftBodyLimit(context);
                return BlobUploadEndpoint.PatchAsync(context, name, route.Argument, Uploads());
            case OciResource.Upload when Allow(method, "PUT"):
                LiftBodyLimit(context);
                return BlobUploadEndpoint.CompleteAsync(context, name, route.Argument, Uploads());
            case OciResource.Upload when Allow(method, "DELETE"):
                return BlobUploadEndpoint.CancelAsync(context, name, route.Argument, Uploads());
            default:
                return Unsupported(method);
        }
    }

    private static bool Allow(string method, string allowed, string? alsoAllowed = null) =>
        string.Equals(allowed, method, StringComparison.OrdinalIgnoreCase)
        || (alsoAllowed is not null && string.Equals(alsoAllowed, method, StringComparison.OrdinalIgnoreCase));

    private static Task Unsupported(string method) =>
        throw new RegistryException(RegistryErrorCode.Unsupported, $"{method} is not supported on this endpoint");

    // Kestrel's 30 MB default body limit stays in force everywhere except where blobs stream in.
    private static void LiftBodyLimit(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = null;
        }
    }
}
