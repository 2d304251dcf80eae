namespace Berth.Server.Tests.Clients.Images;

/// <summary>A multi-platform OCI image index written to an OCI layout, with the images it lists.</summary>
public sealed record TestIndex(string IndexDigest, byte[] Index, IReadOnlyList<TestImage> Images);
