using Berth.Core.Blobs;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Server.Authentication;
using Berth.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Berth.Server.OciDistribution;

/// <summary>
/// Maps the whole /v2/ API. One ASP.NET endpoint receives every /v2/ request and <see cref="OciRoute"/> decides
/// which resource handler answers it; each resource lives in its own file.
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
            if (services.GetRequiredService<IOptions<BerthOptions>>().Value.RequireRegistryAuthentication)
            {
                // Every /v2/ request, the base endpoint included, needs the registry token (ECR answers 401 otherwise).
                await services.GetRequiredService<RegistryAuthentication>().AuthenticateAsync(context, context.RequestAborted).ConfigureAwait(false);
            }

            await RouteAsync(context).ConfigureAwait(false);
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

    private static Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        path = path.Length <= 4 ? string.Empty : path[4..];
        var route = OciRoute.Parse(path)
            ?? throw new RegistryException(new RegistryErrorCode("NOT_FOUND", 404, "no such endpoint"), $"no /v2/ endpoint matches '{context.Request.Path}'");
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

        var images = services.GetRequiredService<ImageService>();
        var uploads = services.GetRequiredService<BlobUploadService>();
        switch (route.Resource)
        {
            case OciResource.Tags when Allow(method, "GET"):
                return TagEndpoint.HandleAsync(context, name, images);
            case OciResource.Manifest when Allow(method, "GET", "HEAD"):
                return ManifestEndpoint.GetAsync(context, name, route.Argument, images);
            case OciResource.Manifest when Allow(method, "PUT"):
                return ManifestEndpoint.PutAsync(context, name, route.Argument, images);
            case OciResource.Manifest when Allow(method, "DELETE"):
                return ManifestEndpoint.DeleteAsync(context, name, route.Argument, images);
            case OciResource.Blob when Allow(method, "GET", "HEAD"):
                return BlobEndpoint.GetAsync(context, name, route.Argument, services);
            case OciResource.Blob when Allow(method, "DELETE"):
                return BlobEndpoint.DeleteAsync(context, name, route.Argument, services);
            case OciResource.Referrers when Allow(method, "GET"):
                return ReferrerEndpoint.HandleAsync(context, name, route.Argument, images);
            case OciResource.Uploads when Allow(method, "POST"):
                LiftBodyLimit(context);
                return BlobUploadEndpoint.StartAsync(context, name, uploads, services.GetRequiredService<IOptions<BerthOptions>>().Value);
            case OciResource.Upload when Allow(method, "GET"):
                return BlobUploadEndpoint.StatusAsync(context, name, route.Argument, uploads);
            case OciResource.Upload when Allow(method, "PATCH"):
                LiftBodyLimit(context);
                return BlobUploadEndpoint.PatchAsync(context, name, route.Argument, uploads);
            case OciResource.Upload when Allow(method, "PUT"):
                LiftBodyLimit(context);
                return BlobUploadEndpoint.CompleteAsync(context, name, route.Argument, uploads);
            case OciResource.Upload when Allow(method, "DELETE"):
                return BlobUploadEndpoint.CancelAsync(context, name, route.Argument, uploads);
            default:
                return Unsupported(method);
        }
    }

    private static bool Allow(string method, params string[] allowed) =>
        allowed.Any(a => string.Equals(a, method, StringComparison.OrdinalIgnoreCase));

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
