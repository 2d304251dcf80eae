using System.Net;

namespace Berth.Server.Tests.Infrastructure;

/// <summary>A body sent with Transfer-Encoding: chunked and no Content-Length, as docker streams layers.</summary>
public sealed class ChunkedContent(byte[] content, int pieceSize = 8192) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < content.Length; offset += pieceSize)
        {
            await stream.WriteAsync(content.AsMemory(offset, Math.Min(pieceSize, content.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
