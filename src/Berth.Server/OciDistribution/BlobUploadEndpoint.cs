using System.Globalization;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Server.Hosting;

namespace Berth.Server.OciDistribution;

/// <summary>
/// Blob uploads (distribution-spec end-4a, 4b, 5, 6, 11, 13): POST starts one (or mounts, or uploads monolithically),
/// PATCH appends a chunk, PUT completes, GET reports progress, DELETE cancels.
/// </summary>
internal static partial class BlobUploadEndpoint
{
    public static async Task StartAsync(HttpContext context, RepositoryName name, BlobUploadService uploads, BerthOptions options)
    {
        var query = context.Request.Query;
        var cancellationToken = context.RequestAborted;
        if (query.ContainsKey("mount"))
        {
            var digest = References.Digest(query["mount"].ToString());
            long? mounted = null;
            var fromText = query["from"].ToString();
            if (fromText.Length > 0)
            {
                if (!RepositoryName.TryParse(fromText, out var from))
                {
                    throw new RegistryException(RegistryErrorCode.NameInvalid, $"invalid repository name '{fromText}'", new { Name = fromText });
                }

                mounted = await uploads.MountAsync(name, digest, from, cancellationToken).ConfigureAwait(false);
            }
            else if (options.AutomaticCrossMount)
            {
                mounted = await uploads.MountExistingAsync(name, digest, cancellationToken).ConfigureAwait(false);
            }

            if (mounted is not null)
            {
                OciHeaders.BlobCreated(context.Response, name, digest);
                return;
            }
        }
        else if (query.ContainsKey("digest"))
        {
            var digest = References.Digest(query["digest"].ToString());
            var monolithic = await uploads.BeginAsync(name, cancellationToken).ConfigureAwait(false);
            try
            {
                await uploads.CompleteAsync(name, monolithic.Id, digest, context.Request.Body, null, context.Request.ContentLength, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not RegistryException { Error.Code: "DIGEST_INVALID" })
            {
                await CancelQuietlyAsync(uploads, name, monolithic.Id).ConfigureAwait(false);
                throw;
            }

            var logger = context.RequestServices.GetRequiredService<ILogger<BlobUploadService>>();
            LogBlobPushed(logger, name, digest);
            OciHeaders.BlobCreated(context.Response, name, digest);
            return;
        }

        var session = await uploads.BeginAsync(name, cancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        OciHeaders.UploadProgress(context.Response, name, session.Id, 0);
        context.Response.Headers[OciHeaders.ChunkMinLength] = uploads.MinimumChunkBytes.ToString(CultureInfo.InvariantCulture);
    }

    public static async Task StatusAsync(HttpContext context, RepositoryName name, string id, BlobUploadService uploads)
    {
        var session = await uploads.GetAsync(name, id, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        OciHeaders.UploadProgress(context.Response, name, id, session.Staged.Size);
    }

    public static async Task PatchAsync(HttpContext context, RepositoryName name, string id, BlobUploadService uploads)
    {
        var range = ReadContentRange(context.Request);
        UploadSession session;
        try
        {
            session = await uploads.AppendAsync(name, id, context.Request.Body, range, context.Request.ContentLength, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Detail is BlobUploadService.RangeDetail detail)
        {
            // A 416 tells the client where the upload really ends (distribution-spec: "Range: 0-<end-of-range>").
            context.Response.Headers.Location = OciHeaders.UploadLocation(name, id);
            context.Response.Headers.Range = OciHeaders.RangeOf(detail.Size);
            context.Response.Headers[OciHeaders.UploadUuid] = id;
            throw;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        OciHeaders.UploadProgress(context.Response, name, id, session.Staged.Size);
    }

    public static async Task CompleteAsync(HttpContext context, RepositoryName name, string id, BlobUploadService uploads)
    {
        var digestText = context.Request.Query["digest"].ToString();
        if (digestText.Length == 0)
        {
            throw new RegistryException(RegistryErrorCode.DigestInvalid, "the digest query parameter is required to complete an upload");
        }

        var digest = References.Digest(digestText);
        var range = ReadContentRange(context.Request);
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        try
        {
            await uploads.CompleteAsync(name, id, digest, hasBody ? request.Body : null, range, request.ContentLength, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Detail is BlobUploadService.RangeDetail detail)
        {
            context.Response.Headers.Location = OciHeaders.UploadLocation(name, id);
            context.Response.Headers.Range = OciHeaders.RangeOf(detail.Size);
            throw;
        }

        var logger = context.RequestServices.GetRequiredService<ILogger<BlobUploadService>>();
        LogBlobPushed(logger, name, digest);
        OciHeaders.BlobCreated(context.Response, name, digest);
    }

    public static async Task CancelAsync(HttpContext context, RepositoryName name, string id, BlobUploadService uploads)
    {
        await uploads.CancelAsync(name, id, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        context.Response.ContentLength = 0;
    }

    private static ChunkRange? ReadContentRange(HttpRequest request)
    {
        var header = request.Headers.ContentRange.ToString();
        if (header.Length == 0)
        {
            return null;
        }

        return ChunkRange.TryParse(header, out var range)
            ? range
            : throw new RegistryException(RegistryErrorCode.BlobUploadInvalid, $"invalid Content-Range '{header}': expected <start>-<end>");
    }

    private static async Task CancelQuietlyAsync(BlobUploadService uploads, RepositoryName name, string id)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await uploads.CancelAsync(name, id, timeout.Token).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
            // Already gone.
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Pushed blob {Digest} to {Repository}")]
    private static partial void LogBlobPushed(ILogger logger, RepositoryName repository, Digest digest);
}
