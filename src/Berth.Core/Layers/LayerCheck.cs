namespace Berth.Core.Layers;

/// <summary>
/// One answer of BatchCheckLayerAvailability: a layer the repository holds (<see cref="FailureCode"/> null) or a
/// failure (InvalidLayerDigest, MissingLayerDigest) with its reason. <see cref="MediaType"/> is the media type a manifest
/// of the repository gives the blob (config or layer descriptor), null when no manifest references it yet.
/// <see cref="Archived"/>: only archived images of the repository use the layer (ECR's layerAvailability ARCHIVED).
/// </summary>
public sealed record LayerCheck(string Digest, long Size, bool Available, string? FailureCode = null, string? FailureReason = null, string? MediaType = null)
{
    public bool Archived { get; init; }
}
