using System.Buffers;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Server.Hosting;
using Microsoft.Extensions.Primitives;

namespace Berth.Server.OciDistribution;

/// <summary>GET, HEAD, PUT and DELETE of /v2/&lt;name&gt;/manifests/&lt;reference&gt; (distribution-spec end-3, end-7, end-9).</summary>
internal static partial class ManifestEndpoint
{
    public static async Task GetAsync(HttpContext context, RepositoryName name, string reference, ImageService images)
    {
        var parsed = References.ManifestToRead(reference);
        await context.RequestServices.GetRequiredService<PullThroughCache.PullThroughCacheService>().RefreshManifestAsync(
            name, parsed, context.Items[PullThroughCache.PullThroughCacheService.PrincipalItem] as Berth.Core.Credentials.Principal,
            Authentication.RequestConditions.Of(context), context.RequestAborted).ConfigureAwait(false);
        var manifest = await images.GetManifestAsync(name, parsed, context.RequestAborted).ConfigureAwait(false);
        RequireAccepted(context.Request.Headers.Accept, manifest.MediaType);

        var response = context.Response;
        OciHeaders.Content(response, manifest.Digest, manifest.MediaType, manifest.Size);
        if (context.Request.Headers.IfNoneMatch.Contains(response.Headers.ETag.ToString()))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.ContentLength = null;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            // ECR's lastRecordedPullTime counts manifest GETs; HEAD only checks.
            await context.RequestServices.GetRequiredService<ImageCatalogService>().RecordPullAsync(name, manifest.Digest, context.Items[typeof(Berth.Core.Credentials.Principal)] as Berth.Core.Credentials.Principal, context.RequestAborted).ConfigureAwait(false);
            await response.Body.WriteAsync(manifest.Content, context.RequestAborted).ConfigureAwait(false);
        }
    }

    public static async Task PutAsync(HttpContext context, RepositoryName name, string reference, ImageService images)
    {
        var parsedReference = References.Manifest(reference);
        var content = await BoundedBody.ReadAsync(
            context.Request, ImageService.MaxManifestBytes, () => new RegistryException(RegistryErrorCode.ManifestTooLarge, $"manifest exceeds the {ImageService.MaxManifestBytes} byte limit"), context.RequestAborted).ConfigureAwait(false);
        var manifest = await images.PutManifestAsync(name, parsedReference, content, context.Request.ContentType, context.RequestAborted).ConfigureAwait(false);
        var logger = context.RequestServices.GetRequiredService<ILogger<ImageService>>();
        LogPushed(logger, name, parsedReference, manifest.Digest);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/manifests/{manifest.Digest}";
        response.Headers[OciHeaders.ContentDigest] = manifest.Digest.ToString();
        if (manifest.Subject is { } subject)
        {
            response.Headers[OciHeaders.Subject] = subject.ToString();
        }

        response.ContentLength = 0;
    }

    public static async Task DeleteAsync(HttpContext context, RepositoryName name, string reference, ImageService images)
    {
        var parsedReference = References.Manifest(reference);
        await images.DeleteAsync(name, parsedReference, context.RequestAborted).ConfigureAwait(false);
        var logger = context.RequestServices.GetRequiredService<ILogger<ImageService>>();
        LogDeleted(logger, name, parsedReference);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    /// <summary>
    /// A client that lists manifest media types and leaves out the stored one cannot read it (distribution answers
    /// the same way, e.g. "OCI index found, but accept header does not support OCI indexes"). Accept values that are
    /// wildcards or other types mean the client takes what it gets.
    /// </summary>
    private static void RequireAccepted(StringValues accept, string mediaType)
    {
        var sawManifestType = false;
        foreach (var header in accept)
        {
            foreach (var part in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var type = ManifestParser.NormalizeContentType(part);
                if (type == mediaType)
                {
                    return;
                }

                if (!MediaTypes.IsSupported(type ?? string.Empty))
                {
                    return;
                }

                sawManifestType = true;
            }
        }

        if (sawManifestType)
        {
            var what = MediaTypes.IsIndex(mediaType) ? "an index or manifest list" : "an image manifest";
            throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"{what} of type {mediaType} was found, but the Accept header does not allow it");
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Pushed manifest {Repository}:{Reference} ({Digest})")]
    private static partial void LogPushed(ILogger logger, RepositoryName repository, Reference reference, Digest digest);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Deleted {Repository}:{Reference}")]
    private static partial void LogDeleted(ILogger logger, RepositoryName repository, Reference reference);
}
