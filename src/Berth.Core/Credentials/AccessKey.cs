namespace Berth.Core.Credentials;

/// <summary>An access key as stored: the secret only in encrypted form.</summary>
public sealed record AccessKey(string AccessKeyId, string AccountId, string PrincipalArn, byte[] SecretCiphertext, string Status, DateTimeOffset CreatedAt)
{
    public bool IsActive => Status == "Active";
}
