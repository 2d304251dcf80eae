namespace Berth.Server.Tests.Clients.Images;

/// <summary>An OCI artifact manifest (artifactType, empty config) whose subject is another manifest.</summary>
public sealed record TestArtifact(string ManifestDigest, byte[] Manifest, string ArtifactType, string SubjectDigest, OciDescriptor Layer);
