namespace Berth.Server.Tests.Clients;

/// <summary>A manifest as Berth served it: Docker-Content-Digest, Content-Type and body.</summary>
public sealed record ServedManifest(string Digest, string MediaType, byte[] Content);
