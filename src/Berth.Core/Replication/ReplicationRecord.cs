using Berth.Core.Registries;

namespace Berth.Core.Replication;

/// <summary>One outbox row as <c>berth replication status</c> lists it.</summary>
public sealed record ReplicationRecord(
    long Id, RegistryIdentity Source, string Repository, string Digest, string? Tag, string Destination, ReplicationStatus Status,
    int Attempts, string? FailureCode, string? FailureReason, DateTimeOffset UpdatedAt);
