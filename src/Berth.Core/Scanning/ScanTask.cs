using Berth.Core.Registries;

namespace Berth.Core.Scanning;

/// <summary>A queued scan a worker claimed: the image (its manifest's bytes included) and how many attempts came before.</summary>
public sealed record ScanTask(long RepositoryId, RegistryIdentity Registry, string Repository, string Digest, string MediaType, byte[] Manifest, int Attempts);
