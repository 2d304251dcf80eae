namespace Berth.Server.RemoteReplication;

/// <summary>Blobs larger than <see cref="ChunkSize"/> bytes go to a remote destination in PATCH chunks of that size; smaller ones in one PUT.</summary>
internal sealed record RemoteReplicationSettings(long ChunkSize);
