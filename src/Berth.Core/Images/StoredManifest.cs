using Berth.Core.Content;

namespace Berth.Core.Images;

/// <summary>A manifest as stored: its exact bytes (returned unchanged by GET) and media type.</summary>
public sealed record StoredManifest(Digest Digest, string MediaType, ReadOnlyMemory<byte> Content, Digest? Subject)
{
    public long Size => Content.Length;
}
