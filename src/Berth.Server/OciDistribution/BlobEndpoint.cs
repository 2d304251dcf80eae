using System.Globalization;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Naming;

namespace Berth.Server.OciDistribution;

/// <summary>
/// GET, HEAD and DELETE of /v2/&lt;name&gt;/blobs/&lt;digest&gt; (distribution-spec end-2, end-10). Bodies stream from the
/// store through one pooled buffer; a single <c>Range: bytes=</c> is honoured with 206, an unsatisfiable one gets 416.
/// </summary>
internal static class BlobEndpoint
{
    private const int CopyBufferBytes = 256 * 1024;

    // Pieces are handed to the connection without a flush until this much is waiting: the transport then sends them in
    // one sendmsg and wakes once, where a flush per 256 KiB piece cost 15-20% more CPU per pulled GiB
    // (docs/ARCHITECTURE.md, "Pulls"). Half of Kestrel's response buffer, so one batch is sent while the next is read.
    private const int FlushBytes = 512 * 1024;

    public static async Task GetAsync(HttpContext context, RepositoryName name, string digestText, IServiceProvider services)
    {
        var digest = References.Digest(digestText);
        var links = services.GetRequiredService<IBlobLinkStore>();
        var blobs = services.GetRequiredService<IBlobStore>();
        // A client that finds the blob here may skip its upload and reference it in a manifest next: the link is renewed
        // when old, so the garbage collector keeps it for that manifest (LinkRenewal).
        var renewal = services.GetRequiredService<Berth.Core.GarbageCollection.LinkRenewal>();
        var linked = await links.FindAndRenewAsync(name, digest, renewal.RenewBefore, context.RequestAborted).ConfigureAwait(false);
        if (linked is null && await services.GetRequiredService<PullThroughCache.PullThroughCacheService>().ServeBlobAsync(
            context, name, digest, context.Items[PullThroughCache.PullThroughCacheService.PrincipalItem] as Berth.Core.Credentials.Principal).ConfigureAwait(false))
        {
            return;
        }

        var size = linked ?? throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob unknown to registry: {digest}", new { Digest = digest.ToString() });
        if (HttpMethods.IsGet(context.Request.Method) && services.GetService<IBlobRedirects>() is { } redirects)
        {
            // The object store serves the bytes (and any Range) itself; the URL is a credential, so it is not logged.
            var location = await redirects.GetDownloadUriAsync(digest, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = location.AbsoluteUri;
            context.Response.Headers[OciHeaders.ContentDigest] = digest.ToString();
            context.Response.ContentLength = 0;
            return;
        }

        await ServeAsync(context, blobs, digest, size).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers GET or HEAD with a stored blob: digest headers, If-None-Match, one byte range. Shared with the ECR
    /// layer download URLs.
    /// </summary>
    internal static async Task ServeAsync(HttpContext context, IBlobStore blobs, Digest digest, long size)
    {
        var response = context.Response;
        OciHeaders.Content(response, digest, "application/octet-stream", size);
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "max-age=31536000";
        if (context.Request.Headers.IfNoneMatch.Contains(response.Headers.ETag.ToString()))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.ContentLength = null;
            return;
        }

        long offset = 0;
        var length = size;
        response.StatusCode = StatusCodes.Status200OK;
        if (TryParseRange(context.Request.Headers.Range.ToString(), size, out var range))
        {
            if (range is null)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{size}";
                response.ContentLength = 0;
                response.Headers.Remove(OciHeaders.ContentDigest);
                return;
            }

            (offset, length) = range.Value;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {offset}-{offset + length - 1}/{size}");
            response.ContentLength = length;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var stream = await blobs.OpenReadAsync(digest, offset, context.RequestAborted).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await CopyAsync(stream, response.BodyWriter, length, context.RequestAborted).ConfigureAwait(false);
        }
    }

    public static async Task DeleteAsync(HttpContext context, RepositoryName name, string digestText, IServiceProvider services)
    {
        var digest = References.Digest(digestText);
        var links = services.GetRequiredService<IBlobLinkStore>();
        if (!await links.UnlinkAsync(name, digest, context.RequestAborted).ConfigureAwait(false))
        {
            throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob unknown to registry: {digest}", new { Digest = digest.ToString() });
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    /// <summary>
    /// Reads one RFC 9110 byte range. Returns false when there is no usable Range header (serve it all); true with
    /// null when the range cannot be satisfied; true with (offset, length) otherwise.
    /// </summary>
    internal static bool TryParseRange(string header, long size, out (long Offset, long Length)? range)
    {
        range = null;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var spec = header.AsSpan(6).Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            // Suffix range: the last N bytes.
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
            {
                return false;
            }

            if (suffix == 0 || size == 0)
            {
                return true;
            }

            var take = Math.Min(suffix, size);
            range = (size - take, take);
            return true;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        long end = size - 1;
        if (!last.IsEmpty)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start)
            {
                return false;
            }

            end = Math.Min(end, size - 1);
        }

        if (start >= size)
        {
            return true;
        }

        range = (start, end - start + 1);
        return true;
    }

    /// <summary>
    /// Reads the blob straight into the response pipe's memory: one copy fewer than a Stream-to-Stream copy through an
    /// intermediate buffer, which is most of the server's CPU on a large pull.
    /// </summary>
    private static async Task CopyAsync(Stream source, System.IO.Pipelines.PipeWriter destination, long length, CancellationToken cancellationToken)
    {
        var remaining = length;
        long unflushed = 0;
        while (remaining > 0)
        {
            var memory = destination.GetMemory((int)Math.Min(CopyBufferBytes, remaining));
            var want = (int)Math.Min(memory.Length, remaining);
            var read = await source.ReadAsync(memory[..want], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"blob ended {remaining} bytes early");
            }

            destination.Advance(read);
            remaining -= read;
            // Counted as each piece is handed to the connection, before the flush that sends it: a client that has
            // read the whole body sees it counted (counting after the copy raced a scrape that followed the pull).
            Telemetry.BerthMetrics.BytesPulled.Add(read);
            unflushed += read;
            if (remaining > 0 && unflushed < FlushBytes)
            {
                continue;
            }

            unflushed = 0;
            var flushed = await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                return;
            }
        }
    }
}
