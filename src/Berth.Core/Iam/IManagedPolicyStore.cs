using Berth.Core.Paging;

namespace Berth.Core.Iam;

/// <summary>Customer managed policies, their versions, and the attachments of any managed policy to entities.</summary>
public interface IManagedPolicyStore
{
    /// <summary>Creates the policy with version v1 as default; false when the account has a policy of that name.</summary>
    ValueTask<bool> CreateAsync(string accountId, ManagedPolicy policy, string document, CancellationToken cancellationToken);

    /// <summary>The customer managed policy with this ARN (attachment count included), or null.</summary>
    ValueTask<ManagedPolicy?> FindAsync(string arn, CancellationToken cancellationToken);

    /// <summary>The account's policies under the path prefix by name; with <paramref name="onlyAttached"/>, those attached.</summary>
    ValueTask<Page<ManagedPolicy>> ListAsync(string accountId, string pathPrefix, bool onlyAttached, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Deletes a policy that is not attached and has only its default version.</summary>
    ValueTask<IamDeleteOutcome> DeleteAsync(string arn, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the next version (optionally as default) unless the policy has <paramref name="maxVersions"/>; returns its
    /// id, or null when the policy is full. Throws nothing for a missing policy: the caller checked it.
    /// </summary>
    ValueTask<string?> AddVersionAsync(string arn, string document, bool setAsDefault, int maxVersions, DateTimeOffset now, CancellationToken cancellationToken);

    ValueTask<PolicyVersion?> FindVersionAsync(string arn, string versionId, CancellationToken cancellationToken);

    /// <summary>Every version, newest first.</summary>
    ValueTask<IReadOnlyList<PolicyVersion>> ListVersionsAsync(string arn, CancellationToken cancellationToken);

    /// <summary>Deletes a non-default version.</summary>
    ValueTask<IamDeleteOutcome> DeleteVersionAsync(string arn, string versionId, CancellationToken cancellationToken);

    /// <summary>Attaches unless the entity has <paramref name="maxAttached"/> policies; false then. Attaching twice is a no-op.</summary>
    ValueTask<bool> AttachAsync(IamEntity entity, string policyArn, int maxAttached, CancellationToken cancellationToken);

    /// <summary>Detaches; false when the policy was not attached to the entity.</summary>
    ValueTask<bool> DetachAsync(IamEntity entity, string policyArn, CancellationToken cancellationToken);

    /// <summary>The ARNs of the policies attached to the entity, ordered by ARN.</summary>
    ValueTask<IReadOnlyList<string>> ListAttachedAsync(IamEntity entity, CancellationToken cancellationToken);

    /// <summary>How many entities of the account have the policy attached (for AWS managed policies).</summary>
    ValueTask<int> CountAttachmentsAsync(string accountId, string policyArn, CancellationToken cancellationToken);
}
