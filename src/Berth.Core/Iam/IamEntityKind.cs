namespace Berth.Core.Iam;

/// <summary>The IAM identities that have names, paths, ids and policies of their own.</summary>
public enum IamEntityKind
{
    User,
    Group,
    Role,
}
