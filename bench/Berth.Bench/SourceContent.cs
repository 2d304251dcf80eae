using System.Net;
using System.Net.Http.Headers;

namespace Berth.Bench;

internal sealed class SourceContent : HttpContent
{
    private readonly Source _source;
    private readonly long _offset;
    private readonly long _count;
    private readonly bool _chunked;

    public SourceContent(Source source, long offset, long count, bool chunked)
    {
        _source = source;
        _offset = offset;
        _count = count;
        _chunked = chunked;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        foreach (var segment in _source.Segments(_offset, _count))
        {
            await stream.WriteAsync(segment);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _count;
        return !_chunked;
    }
}
