namespace Berth.Core.Iam;

/// <summary>The result of deleting an IAM entity or policy: done, missing, or the conflict that prevents it.</summary>
public enum IamDeleteOutcome
{
    Deleted,
    NotFound,
    HasAccessKeys,
    HasInlinePolicies,
    HasAttachedPolicies,
    HasGroups,
    HasMembers,
    IsAttached,
    HasVersions,
    IsDefaultVersion,
}
