using System.Text;
using Berth.Core.Accounts;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Layers;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Server.Registries;
using Berth.Server.OciDistribution;

namespace Berth.Server.EcrApi;

/// <summary>
/// GET and HEAD of the URLs GetDownloadUrlForLayer hands out,
/// <c>/layer-downloads/&lt;account&gt;/&lt;region&gt;/&lt;name&gt;/&lt;digest&gt;?expires=…&amp;signature=…</c>:
/// Berth's stand-in for a pre-signed S3 URL. The signature is the only credential, so the query is never logged
/// (Berth logs paths only). Refusals answer like S3 does, 403 AccessDenied in XML; the body streams with Range support.
/// </summary>
internal static class LayerDownloadEndpoint
{
    public const string PathPrefix = "/layer-downloads/";
    private const string SignatureMismatch = "The request signature we calculated does not match the signature you provided.";

    public static IEndpointRouteBuilder MapLayerDownloads(this IEndpointRouteBuilder app)
    {
        app.MapMethods(PathPrefix + "{**path}", [HttpMethods.Get, HttpMethods.Head], DownloadAsync).WithName("LayerDownload");
        return app;
    }

    private static async Task DownloadAsync(HttpContext context, string path)
    {
        var parts = path.Split('/', 3);
        var slash = parts.Length == 3 ? parts[2].LastIndexOf('/') : -1;
        if (slash <= 0 || !RegistryIdentity.IsValidAccountId(parts[0]) || !RegistryIdentity.IsValidRegion(parts[1])
            || !RepositoryName.TryParse(parts[2][..slash], out var repository) || !Digest.TryParse(parts[2][(slash + 1)..], out var digest))
        {
            await DenyAsync(context, StatusCodes.Status404NotFound, "NoSuchKey", "The specified key does not exist.").ConfigureAwait(false);
            return;
        }

        // An account this deployment does not host has no URL to check: refused like a bad signature, so the answer
        // tells an anonymous caller nothing about which accounts exist, and no registry of it is set up.
        var accounts = context.RequestServices.GetRequiredService<IAccountStore>();
        if (!await accounts.ExistsAsync(parts[0], context.RequestAborted).ConfigureAwait(false))
        {
            await DenyAsync(context, StatusCodes.Status403Forbidden, "AccessDenied", SignatureMismatch).ConfigureAwait(false);
            return;
        }

        // The signature covers the registry, so a URL of one registry never reads another's layer.
        RequestRegistry.Set(context, new RegistryIdentity(parts[0], parts[1]));
        var signer = context.RequestServices.GetRequiredService<LayerDownloadSigner>();
        var links = context.RequestServices.GetRequiredService<IBlobLinkStore>();
        var blobs = context.RequestServices.GetRequiredService<IBlobStore>();

        var query = context.Request.Query;
        var check = await signer.CheckAsync(repository, digest, query["expires"], query["signature"], context.RequestAborted).ConfigureAwait(false);
        if (check != LayerDownloadCheck.Valid)
        {
            await DenyAsync(context, StatusCodes.Status403Forbidden, "AccessDenied",
                check == LayerDownloadCheck.Expired ? "Request has expired" : SignatureMismatch).ConfigureAwait(false);
            return;
        }

        // The layer may have been deleted since the URL was issued.
        if (await links.FindAsync(repository, digest, context.RequestAborted).ConfigureAwait(false) is not { } size ||
            await blobs.FindSizeAsync(digest, context.RequestAborted).ConfigureAwait(false) is null)
        {
            await DenyAsync(context, StatusCodes.Status404NotFound, "NoSuchKey", "The specified key does not exist.").ConfigureAwait(false);
            return;
        }

        await BlobEndpoint.ServeAsync(context, blobs, digest, size).ConfigureAwait(false);
    }

    private static async Task DenyAsync(HttpContext context, int status, string code, string message)
    {
        var body = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>");
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
