namespace Berth.Core.Iam;

/// <summary>
/// An IAM user, group or role. <see cref="Arn"/> is formed as IAM forms it: <c>arn:aws:iam::ACCOUNT:user/PATH/NAME</c>
/// with the path's slashes (the default path "/" gives <c>user/NAME</c>). Roles carry their trust policy, description
/// and maximum session duration (seconds).
/// </summary>
public sealed record IamEntity(
    string AccountId,
    IamEntityKind Kind,
    string Name,
    string Id,
    string Path,
    DateTimeOffset CreatedAt,
    string? Description = null,
    string? TrustPolicy = null,
    int? MaxSessionDuration = null)
{
    public string Arn => FormArn(AccountId, Kind, Path, Name);

    public static string FormArn(string accountId, IamEntityKind kind, string path, string name) =>
        $"arn:aws:iam::{accountId}:{KindWord(kind)}{path}{name}";

    /// <summary>The word IAM uses for the kind in ARNs and messages: user, group, role.</summary>
    public static string KindWord(IamEntityKind kind) => kind switch
    {
        IamEntityKind.User => "user",
        IamEntityKind.Group => "group",
        _ => "role",
    };
}
