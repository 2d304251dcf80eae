using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text.Json;
using Berth.Core.Errors;

namespace Berth.Server.EcrApi;

/// <summary>
/// The decoded layerPartBlob of UploadLayerPart. The part already sits in memory as base64 inside the JSON body (at
/// most 10 MiB of base64 plus 64 KiB, the dispatcher's cap), so it is decoded once, straight from the document's UTF-8 bytes into one
/// pooled buffer, and streamed from there into the staged upload; no other copy is made.
/// </summary>
internal sealed class LayerPartBlob : IDisposable
{
    private byte[]? _buffer;

    private LayerPartBlob(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    /// <summary>
    /// The number of bytes the value decodes to, computed from its length without decoding it; null when that cannot be
    /// known without decoding (an escaped value, or a length that is not base64's).
    /// </summary>
    public static long? DecodedLength(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var text = raw.Length >= 2 ? raw[1..^1] : raw;
        if (text.Length % 4 != 0 || text.IndexOf((byte)'\\') >= 0)
        {
            return null;
        }

        var padding = text.Length == 0 ? 0 : text[^1] != '=' ? 0 : text[^2] == '=' ? 2 : 1;
        return (text.Length / 4 * 3L) - padding;
    }

    public static LayerPartBlob Decode(JsonElement value)
    {
        // The raw value includes its quotes. Base64 has no characters JSON must escape; an escaped value (legal but
        // unusual) takes the slower path through the parser.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var text = raw.Length >= 2 ? raw[1..^1] : raw;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Base64.GetMaxDecodedFromUtf8Length(text.Length), 1));
        if (text.IndexOf((byte)'\\') < 0 && Base64.DecodeFromUtf8(text, buffer, out _, out var written) == OperationStatus.Done)
        {
            return new LayerPartBlob(buffer, written);
        }

        ArrayPool<byte>.Shared.Return(buffer);
        if (!value.TryGetBytesFromBase64(out var decoded))
        {
            throw new RegistryException(EcrApiErrors.Serialization, "Invalid base64 in 'layerPartBlob'");
        }

        return new LayerPartBlob(decoded, decoded.Length);
    }

    /// <summary>A read-only view of the decoded bytes; valid until this is disposed.</summary>
    public Stream OpenRead() => new MemoryStream(_buffer ?? throw new ObjectDisposedException(nameof(LayerPartBlob)), 0, Length, writable: false);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
