using Berth.Core.Content;

namespace Berth.Core.Layers;

/// <summary>A stored manifest that references a layer: its digest and exact bytes.</summary>
public sealed record ReferencingManifest(Digest Digest, ReadOnlyMemory<byte> Content);
