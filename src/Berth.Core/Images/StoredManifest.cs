using Berth.Core.Content;

namespace Berth.Core.Images;

/// <summary>
/// A manifest as stored: its exact bytes (returned unchanged by GET) and media type; <see cref="Archived"/> when a
/// lifecycle rule or UpdateImageStorageClass moved it to the ARCHIVE storage class (it cannot be pulled then).
/// </summary>
public sealed record StoredManifest(Digest Digest, string MediaType, ReadOnlyMemory<byte> Content, Digest? Subject, bool Archived = false)
{
    public long Size => Content.Length;
}
