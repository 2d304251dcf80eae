namespace Berth.Server.Tests.Clients.Images;

/// <summary>An OCI content descriptor as the test images write it.</summary>
public sealed record OciDescriptor(string MediaType, string Digest, long Size);
