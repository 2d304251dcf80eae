using Berth.Core.Paging;

namespace Berth.Core.Iam;

/// <summary>Users, groups and roles of each account, group membership and inline policies.</summary>
public interface IIamEntityStore
{
    /// <summary>Creates the entity; false when the account already has one of that kind and name (case-insensitive).</summary>
    ValueTask<bool> CreateAsync(IamEntity entity, CancellationToken cancellationToken);

    /// <summary>The entity of this kind and name (case-insensitive), or null.</summary>
    ValueTask<IamEntity?> FindAsync(string accountId, IamEntityKind kind, string name, CancellationToken cancellationToken);

    /// <summary>The entity with this ARN, or null.</summary>
    ValueTask<IamEntity?> FindByArnAsync(string arn, CancellationToken cancellationToken);

    /// <summary>Entities whose path starts with <paramref name="pathPrefix"/>, by name (case-insensitive), after the page's key.</summary>
    ValueTask<Page<IamEntity>> ListAsync(string accountId, IamEntityKind kind, string pathPrefix, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Deletes the entity unless keys, policies, memberships or members still refer to it (checked in one transaction).</summary>
    ValueTask<IamDeleteOutcome> DeleteAsync(IamEntity entity, CancellationToken cancellationToken);

    /// <summary>Adds the user to the group unless the user already is in <paramref name="maxGroups"/> groups; false then.</summary>
    ValueTask<bool> AddMemberAsync(IamEntity group, IamEntity user, int maxGroups, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes the user from the group; false when the user was not a member.</summary>
    ValueTask<bool> RemoveMemberAsync(IamEntity group, IamEntity user, CancellationToken cancellationToken);

    /// <summary>The groups the user belongs to, by name.</summary>
    ValueTask<IReadOnlyList<IamEntity>> ListGroupsForUserAsync(IamEntity user, CancellationToken cancellationToken);

    /// <summary>The users of a group, by name.</summary>
    ValueTask<IReadOnlyList<IamEntity>> ListMembersAsync(IamEntity group, CancellationToken cancellationToken);

    /// <summary>Creates or replaces an inline policy of the entity.</summary>
    ValueTask PutInlinePolicyAsync(IamEntity entity, string policyName, string document, CancellationToken cancellationToken);

    /// <summary>The inline policy's name as stored and its document, or null.</summary>
    ValueTask<(string Name, string Document)?> FindInlinePolicyAsync(IamEntity entity, string policyName, CancellationToken cancellationToken);

    /// <summary>The entity's inline policies (name and document), by name.</summary>
    ValueTask<IReadOnlyList<(string Name, string Document)>> ListInlinePoliciesAsync(IamEntity entity, CancellationToken cancellationToken);

    /// <summary>Deletes an inline policy; false when the entity has none of that name.</summary>
    ValueTask<bool> DeleteInlinePolicyAsync(IamEntity entity, string policyName, CancellationToken cancellationToken);
}
