namespace Berth.Core.Credentials;

/// <summary>
/// Who made a request, as policy evaluation needs it: the account, the principal's ARN (the account root
/// <c>arn:aws:iam::A:root</c>, a user <c>arn:aws:iam::A:user/path/name</c> or a role session
/// <c>arn:aws:sts::A:assumed-role/role/session</c>), the access key that signed, and for IAM identities the user name,
/// the unique id (aws:userid: the account id for root, AIDA… for users, <c>AROA…:session</c> for role sessions) and the
/// role's ARN for a session.
/// </summary>
public sealed record Principal(
    string AccountId,
    string Arn,
    string AccessKeyId,
    PrincipalKind Kind = PrincipalKind.Root,
    string? UserName = null,
    string? UserId = null,
    string? RoleArn = null)
{
    /// <summary>aws:userid: the account id for root, otherwise the unique id.</summary>
    public string UniqueId => UserId ?? AccountId;
}
