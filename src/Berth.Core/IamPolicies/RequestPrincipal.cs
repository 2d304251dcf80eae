namespace Berth.Core.IamPolicies;

/// <summary>
/// The principal a request is evaluated for. <see cref="Arn"/> is the caller's ARN (for an assumed role, the session:
/// <c>arn:aws:sts::111122223333:assumed-role/Name/session</c>) and <see cref="RoleArn"/> the role it came from.
/// <see cref="UserId"/> is aws:userid (the account id for the root, the user's unique id, "roleid:session" for a role).
/// </summary>
public sealed record RequestPrincipal(
    PrincipalType Type,
    string Arn,
    string AccountId,
    string? UserName = null,
    string? UserId = null,
    string? RoleArn = null)
{
    /// <summary>The unauthenticated caller (a public pull): only a policy naming <c>*</c> can allow it.</summary>
    public static RequestPrincipal Anonymous { get; } = new(PrincipalType.Anonymous, "anonymous", "");

    public static RequestPrincipal Root(string accountId) =>
        new(PrincipalType.Root, AccountRootArn(accountId), accountId, UserId: accountId);

    public static RequestPrincipal User(string accountId, string userName, string userId, string path = "/") =>
        new(PrincipalType.User, $"arn:aws:iam::{accountId}:user{path}{userName}", accountId, userName, userId);

    public static RequestPrincipal AssumedRole(string accountId, string roleName, string sessionName, string roleId, string path = "/") =>
        new(PrincipalType.AssumedRole, $"arn:aws:sts::{accountId}:assumed-role/{roleName}/{sessionName}", accountId,
            UserId: $"{roleId}:{sessionName}", RoleArn: $"arn:aws:iam::{accountId}:role{path}{roleName}");

    /// <summary>The value of aws:PrincipalType: Account, User, AssumedRole or Anonymous.</summary>
    public string PrincipalTypeValue => Type switch
    {
        PrincipalType.Root => "Account",
        PrincipalType.User => "User",
        PrincipalType.AssumedRole => "AssumedRole",
        _ => "Anonymous",
    };

    /// <summary>The value of aws:PrincipalArn: the role's ARN for a role session, else <see cref="Arn"/>.</summary>
    public string PrincipalArnValue => RoleArn ?? Arn;

    public static string AccountRootArn(string accountId) => $"arn:aws:iam::{accountId}:root";
}
