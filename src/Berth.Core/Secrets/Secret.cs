namespace Berth.Core.Secrets;

/// <summary>
/// A Secrets Manager secret of one (account, region): its name, ARN (name plus AWS's six random characters), the
/// current version's value sealed under the master key (<see cref="Credentials.SecretProtector"/>), and the date it
/// is deleted at when a deletion is scheduled. Only the current version (stage AWSCURRENT) is kept.
/// </summary>
public sealed record Secret(
    string Name,
    string Arn,
    string? Description,
    byte[] SealedValue,
    bool IsBinary,
    string VersionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastChangedAt,
    DateTimeOffset? DeletionDate);
