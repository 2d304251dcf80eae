using Berth.Core.Content;
using Berth.Core.Registries;

namespace Berth.Core.GarbageCollection;

/// <summary>
/// A blob a repository links that no manifest of that repository references, linked (uploaded, mounted) before the
/// grace period: what deleting an image leaves. The garbage collector unlinks it, and the blob is then garbage if no
/// other repository links it and no manifest references it.
/// </summary>
public sealed record UnreferencedLink(RegistryIdentity Registry, string Repository, Digest Digest, long Size);
