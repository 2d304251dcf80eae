using System.Buffers;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Events;
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
        var parsedReference = References.ManifestToRead(reference);
        await context.RequestServices.GetRequiredService<PullThroughCache.PullThroughCacheService>().RefreshManifestAsync(
            context, name, parsedReference, context.Items[PullThroughCache.PullThroughCacheService.PrincipalItem] as Berth.Core.Credentials.Principal,
            context.RequestAborted).ConfigureAwait(false);
        var stored = await images.GetManifestAsync(name, parsedReference, context.RequestAborted).ConfigureAwait(false);
        var manifest = Negotiate(context.Request.Headers.Accept, stored, byTag: !parsedReference.IsDigest);

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
            await context.RequestServices.GetRequiredService<ImageCatalogService>().RecordPullAsync(name, stored.Digest, context.Items[typeof(Berth.Core.Credentials.Principal)] as Berth.Core.Credentials.Principal, context.RequestAborted).ConfigureAwait(false);
            await response.Body.WriteAsync(manifest.Content, context.RequestAborted).ConfigureAwait(false);
        }
    }

    public static async Task PutAsync(HttpContext context, RepositoryName name, string reference, ImageService images)
    {
        var parsedReference = References.Manifest(reference);
        var content = await BoundedBody.ReadAsync(
            context.Request, ImageService.MaxManifestBytes, () => new RegistryException(RegistryErrorCode.ManifestTooLarge, $"manifest exceeds the {ImageService.MaxManifestBytes} byte limit"), context.RequestAborted).ConfigureAwait(false);
        ParsedManifest manifest;
        try
        {
            manifest = await images.PutManifestAsync(name, parsedReference, content, context.Request.ContentType, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
            await context.RequestServices.GetRequiredService<IImageActionFailures>().RecordAsync(
                name, ImageActionEvent.Push, Digest.Sha256Of(content.Span), parsedReference.Tag?.Value, context.RequestAborted).ConfigureAwait(false);
            throw;
        }

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
        try
        {
            await images.DeleteAsync(name, parsedReference, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
            await context.RequestServices.GetRequiredService<IImageActionFailures>().RecordAsync(
                name, ImageActionEvent.Delete, parsedReference.Digest, parsedReference.Tag?.Value, context.RequestAborted).ConfigureAwait(false);
            throw;
        }

        var logger = context.RequestServices.GetRequiredService<ILogger<ImageService>>();
        LogDeleted(logger, name, parsedReference);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    /// <summary>
    /// A client that lists manifest media types and leaves out the stored one is served the stored manifest converted
    /// to one it lists, when pulled by tag and the content converts (<see cref="ManifestNegotiation"/>, as ECR);
    /// otherwise it cannot read it (distribution answers the same way, e.g. "OCI index found, but accept header does
    /// not support OCI indexes"). Accept values that are wildcards or other types mean the client takes what it gets.
    /// </summary>
    private static StoredManifest Negotiate(StringValues accept, StoredManifest stored, bool byTag)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var header in accept)
        {
            foreach (var part in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var type = ManifestParser.NormalizeContentType(part) ?? string.Empty;
                if (type == stored.MediaType || !MediaTypes.IsSupported(type))
                {
                    return stored;
                }

                listed.Add(type);
            }
        }

        if (listed.Count == 0)
        {
            return stored;
        }

        if (ManifestNegotiation.Select(stored, listed, byTag) is { } served)
        {
            return served;
        }

        var what = MediaTypes.IsIndex(stored.MediaType) ? "an index or manifest list" : "an image manifest";
        var why = byTag ? "the Accept header does not allow it" : "the Accept header does not allow it, and a manifest pulled by digest is never converted";
        throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"{what} of type {stored.MediaType} was found, but {why}");
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Pushed manifest {Repository}:{Reference} ({Digest})")]
    private static partial void LogPushed(ILogger logger, RepositoryName repository, Reference reference, Digest digest);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Deleted {Repository}:{Reference}")]
    private static partial void LogDeleted(ILogger logger, RepositoryName repository, Reference reference);
}
