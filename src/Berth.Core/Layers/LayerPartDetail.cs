namespace Berth.Core.Layers;

/// <summary>The members ECR's InvalidLayerPartException carries besides its message.</summary>
public sealed record LayerPartDetail(string RegistryId, string RepositoryName, string UploadId, long LastValidByteReceived);
