namespace Berth.Core.Layers;

/// <summary>
/// One answer of BatchCheckLayerAvailability: a layer the repository holds (<see cref="FailureCode"/> null) or a
/// failure (InvalidLayerDigest, MissingLayerDigest) with its reason.
/// </summary>
public sealed record LayerCheck(string Digest, long Size, bool Available, string? FailureCode = null, string? FailureReason = null);
