using Berth.Core.Content;

namespace Berth.Core.GarbageCollection;

/// <summary>A blob the blob store holds: its address, size and when its bytes were last written.</summary>
public sealed record StoredBlob(Digest Digest, long Size, DateTimeOffset LastModified);
