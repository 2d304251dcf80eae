using Berth.Core.Registries;

namespace Berth.Core.Scanning;

/// <summary>
/// A queued scan a worker claimed: the image (its manifest's bytes included), how many attempts came before, and the
/// registry's scan type when it was claimed (ENHANCED also reads language packages).
/// </summary>
public sealed record ScanTask(
    long RepositoryId, RegistryIdentity Registry, string Repository, string Digest, string MediaType, byte[] Manifest, int Attempts,
    string ScanType = RegistryScanningConfiguration.Basic);
