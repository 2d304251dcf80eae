namespace Berth.Core.Iam;

/// <summary>
/// Temporary credentials issued by AssumeRole: the ASIA… key id, the role (id and ARN, so a deleted and recreated
/// role does not revive old sessions), the session name, the secret encrypted with the master key, the SHA-256 of the
/// session token (the token itself is never stored) and the expiry.
/// </summary>
public sealed record RoleSession(
    string AccessKeyId,
    string AccountId,
    string RoleId,
    string RoleArn,
    string SessionName,
    byte[] SecretCiphertext,
    byte[] TokenHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (the role's path is not part of it).</summary>
    public string AssumedRoleArn => $"arn:aws:sts::{AccountId}:assumed-role/{RoleArn[(RoleArn.LastIndexOf('/') + 1)..]}/{SessionName}";
}
