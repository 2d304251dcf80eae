using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>The IAM model's output structures (User, Group, Role, Policy, PolicyVersion, AccessKeyMetadata) from domain values.</summary>
internal static class IamShapes
{
    public static QueryOutput User(IamEntity user) => new()
    {
        ["Path"] = user.Path,
        ["UserName"] = user.Name,
        ["UserId"] = user.Id,
        ["Arn"] = user.Arn,
        ["CreateDate"] = user.CreatedAt,
    };

    public static QueryOutput Group(IamEntity group) => new()
    {
        ["Path"] = group.Path,
        ["GroupName"] = group.Name,
        ["GroupId"] = group.Id,
        ["Arn"] = group.Arn,
        ["CreateDate"] = group.CreatedAt,
    };

    public static QueryOutput Role(IamEntity role) => new()
    {
        ["Path"] = role.Path,
        ["RoleName"] = role.Name,
        ["RoleId"] = role.Id,
        ["Arn"] = role.Arn,
        ["CreateDate"] = role.CreatedAt,
        ["AssumeRolePolicyDocument"] = role.TrustPolicy,
        ["Description"] = role.Description,
        ["MaxSessionDuration"] = role.MaxSessionDuration,
    };

    public static QueryOutput Entity(IamEntity entity) => entity.Kind switch
    {
        IamEntityKind.User => User(entity),
        IamEntityKind.Group => Group(entity),
        _ => Role(entity),
    };

    public static QueryOutput Policy(ManagedPolicy policy) => new()
    {
        ["PolicyName"] = policy.Name,
        ["PolicyId"] = policy.Id,
        ["Arn"] = policy.Arn,
        ["Path"] = policy.Path,
        ["DefaultVersionId"] = policy.DefaultVersionId,
        ["AttachmentCount"] = policy.AttachmentCount,
        ["PermissionsBoundaryUsageCount"] = 0,
        ["IsAttachable"] = true,
        ["Description"] = policy.Description,
        ["CreateDate"] = policy.CreatedAt,
        ["UpdateDate"] = policy.UpdatedAt,
    };

    /// <summary>A version; the document is left out where IAM leaves it out (CreatePolicyVersion, ListPolicyVersions).</summary>
    public static QueryOutput Version(PolicyVersion version, bool withDocument) => new()
    {
        ["Document"] = withDocument ? version.Document : null,
        ["VersionId"] = version.VersionId,
        ["IsDefaultVersion"] = version.IsDefault,
        ["CreateDate"] = version.CreatedAt,
    };

    public static QueryOutput AccessKeyMetadata(string userName, AccessKeyMetadata key) => new()
    {
        ["UserName"] = userName,
        ["AccessKeyId"] = key.AccessKeyId,
        ["Status"] = key.Status,
        ["CreateDate"] = key.CreatedAt,
    };
}
