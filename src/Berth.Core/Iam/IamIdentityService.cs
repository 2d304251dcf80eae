using Berth.Core.Credentials;
using Berth.Core.Paging;

namespace Berth.Core.Iam;

/// <summary>IAM users, groups and roles of the caller's account, and group membership, with IAM's rules and errors.</summary>
public sealed class IamIdentityService(IIamEntityStore store, TimeProvider time)
{
    public const int MaxGroupsPerUser = 10;
    public const int DefaultMaxSessionDuration = 3600;

    public async ValueTask<IamEntity> CreateAsync(
        string accountId, IamEntityKind kind, string name, string? path, CancellationToken cancellationToken,
        string? description = null, string? trustPolicy = null, int? maxSessionDuration = null)
    {
        if (trustPolicy is not null)
        {
            PolicyDocuments.ValidateTrustPolicy(trustPolicy);
        }

        var entity = new IamEntity(accountId, kind, name, IamIds.UniqueId(kind), path ?? "/", time.GetUtcNow(), description, trustPolicy,
            kind == IamEntityKind.Role ? maxSessionDuration ?? DefaultMaxSessionDuration : null);
        if (!await store.CreateAsync(entity, cancellationToken).ConfigureAwait(false))
        {
            throw IamException.AlreadyExists($"{char.ToUpperInvariant(IamEntity.KindWord(kind)[0])}{IamEntity.KindWord(kind)[1..]} with name {name} already exists.");
        }

        return entity;
    }

    /// <summary>The entity, or NoSuchEntity in IAM's words.</summary>
    public async ValueTask<IamEntity> GetAsync(string accountId, IamEntityKind kind, string name, CancellationToken cancellationToken) =>
        await store.FindAsync(accountId, kind, name, cancellationToken).ConfigureAwait(false) ?? throw IamException.NoSuchEntity(kind, name);

    /// <summary>
    /// GetUser's subject: the named user, or the caller when no name is given. Null for the account root (which has
    /// no user entity); role sessions must name a user.
    /// </summary>
    public async ValueTask<IamEntity?> GetUserOrCallerAsync(Principal caller, string? userName, CancellationToken cancellationToken)
    {
        if (userName is not null)
        {
            return await GetAsync(caller.AccountId, IamEntityKind.User, userName, cancellationToken).ConfigureAwait(false);
        }

        return caller.Kind switch
        {
            PrincipalKind.Root => null,
            PrincipalKind.User => await GetAsync(caller.AccountId, IamEntityKind.User, caller.UserName!, cancellationToken).ConfigureAwait(false),
            _ => throw IamException.Validation("Must specify userName when calling with non-User credentials"),
        };
    }

    public ValueTask<Page<IamEntity>> ListAsync(string accountId, IamEntityKind kind, string? pathPrefix, PageRequest page, CancellationToken cancellationToken) =>
        store.ListAsync(accountId, kind, pathPrefix ?? "/", page, cancellationToken);

    public async ValueTask DeleteAsync(string accountId, IamEntityKind kind, string name, CancellationToken cancellationToken)
    {
        var entity = await GetAsync(accountId, kind, name, cancellationToken).ConfigureAwait(false);
        var outcome = await store.DeleteAsync(entity, cancellationToken).ConfigureAwait(false);
        if (outcome != IamDeleteOutcome.Deleted)
        {
            throw DeleteError(outcome, kind, name);
        }
    }

    /// <summary>IAM's DeleteConflict sentences (NoSuchEntity when a concurrent delete won).</summary>
    private static IamException DeleteError(IamDeleteOutcome outcome, IamEntityKind kind, string name) => outcome switch
    {
        IamDeleteOutcome.HasAccessKeys => IamException.DeleteConflict("Cannot delete entity, must delete access keys first."),
        IamDeleteOutcome.HasInlinePolicies => IamException.DeleteConflict("Cannot delete entity, must delete policies first."),
        IamDeleteOutcome.HasAttachedPolicies => IamException.DeleteConflict("Cannot delete entity, must detach all policies first."),
        IamDeleteOutcome.HasGroups or IamDeleteOutcome.HasMembers => IamException.DeleteConflict("Cannot delete entity, must remove users from group first."),
        _ => IamException.NoSuchEntity(kind, name),
    };

    public async ValueTask AddUserToGroupAsync(string accountId, string groupName, string userName, CancellationToken cancellationToken)
    {
        var group = await GetAsync(accountId, IamEntityKind.Group, groupName, cancellationToken).ConfigureAwait(false);
        var user = await GetAsync(accountId, IamEntityKind.User, userName, cancellationToken).ConfigureAwait(false);
        if (!await store.AddMemberAsync(group, user, MaxGroupsPerUser, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for GroupsPerUser: {MaxGroupsPerUser}");
        }
    }

    public async ValueTask RemoveUserFromGroupAsync(string accountId, string groupName, string userName, CancellationToken cancellationToken)
    {
        var group = await GetAsync(accountId, IamEntityKind.Group, groupName, cancellationToken).ConfigureAwait(false);
        var user = await GetAsync(accountId, IamEntityKind.User, userName, cancellationToken).ConfigureAwait(false);
        if (!await store.RemoveMemberAsync(group, user, cancellationToken).ConfigureAwait(false))
        {
            throw IamException.NoSuchEntity(IamEntityKind.User, userName);
        }
    }

    public async ValueTask<IReadOnlyList<IamEntity>> ListGroupsForUserAsync(string accountId, string userName, CancellationToken cancellationToken) =>
        await store.ListGroupsForUserAsync(await GetAsync(accountId, IamEntityKind.User, userName, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async ValueTask<(IamEntity Group, IReadOnlyList<IamEntity> Users)> GetGroupAsync(string accountId, string groupName, CancellationToken cancellationToken)
    {
        var group = await GetAsync(accountId, IamEntityKind.Group, groupName, cancellationToken).ConfigureAwait(false);
        return (group, await store.ListMembersAsync(group, cancellationToken).ConfigureAwait(false));
    }
}
