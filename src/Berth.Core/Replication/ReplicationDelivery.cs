using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Registries;
using Berth.Core.Repositories;

namespace Berth.Core.Replication;

/// <summary>
/// Delivers one claimed outbox task to its destination registry. Built in a scope of the destination registry, so the
/// authorizer, repository service and templates are the destination's. Across accounts the destination's registry
/// policy must allow the source account's root ecr:ReplicateImage on the repository (and ecr:CreateRepository when the
/// repository must be created), evaluated by the same <see cref="IRegistryAuthorizer"/> as every request.
/// </summary>
public sealed class ReplicationDelivery(RegistryIdentity destination, RepositoryService repositories, IRegistryAuthorizer authorizer, IReplicationOutbox outbox, ReplicationSettings settings)
{
    /// <summary>Copies the task and records the outcome under <paramref name="owner"/>'s claim; returns the status it recorded.</summary>
    public async ValueTask<(ReplicationStatus Status, string? Reason)> DeliverAsync(ReplicationTask task, string owner, CancellationToken cancellationToken)
    {
        try
        {
            var exists = await repositories.FindAsync(task.Repository, cancellationToken).ConfigureAwait(false) is not null;
            if (task.Source.AccountId != destination.AccountId
                && await DeniedAsync(task, exists, cancellationToken).ConfigureAwait(false) is { } denied)
            {
                await outbox.FailAsync(task, owner, ReplicationFailureCodes.AccessDenied, denied, cancellationToken).ConfigureAwait(false);
                return (ReplicationStatus.Failed, denied);
            }

            if (!exists)
            {
                await repositories.EnsureForReplicationAsync(task.Repository, cancellationToken).ConfigureAwait(false);
            }

            switch (await outbox.CopyAsync(task, cancellationToken).ConfigureAwait(false))
            {
                case ReplicationCopyOutcome.Copied:
                    await outbox.CompleteAsync(task, owner, cancellationToken).ConfigureAwait(false);
                    return (ReplicationStatus.Complete, null);
                case ReplicationCopyOutcome.SourceMissing:
                    const string gone = "The image is no longer in the source repository";
                    await outbox.FailAsync(task, owner, ReplicationFailureCodes.ImageNotFound, gone, cancellationToken).ConfigureAwait(false);
                    return (ReplicationStatus.Failed, gone);
                default:
                    return await RetryAsync(task, owner, "The destination repository was deleted during the copy", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return await RetryAsync(task, owner, e.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<(ReplicationStatus, string?)> RetryAsync(ReplicationTask task, string owner, string reason, CancellationToken cancellationToken)
    {
        if (task.Attempts + 1 >= settings.MaxAttempts)
        {
            await outbox.FailAsync(task, owner, ReplicationFailureCodes.RetriesExhausted, reason, cancellationToken).ConfigureAwait(false);
            return (ReplicationStatus.Failed, reason);
        }

        await outbox.RetryAsync(task, owner, settings.DelayAfter(task.Attempts), reason, cancellationToken).ConfigureAwait(false);
        return (ReplicationStatus.InProgress, reason);
    }

    /// <summary>The denial's message, or null when the destination allows the source account.</summary>
    private async ValueTask<string?> DeniedAsync(ReplicationTask task, bool exists, CancellationToken cancellationToken)
    {
        var source = new Principal(task.Source.AccountId, task.Source.RootArn, string.Empty);
        var arn = destination.RepositoryArn(task.Repository.Value);
        string[] actions = exists ? ["ecr:ReplicateImage"] : ["ecr:ReplicateImage", "ecr:CreateRepository"];
        foreach (var action in actions)
        {
            try
            {
                await authorizer.AuthorizeAsync(source, destination, action, arn, new RequestContext(), cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException e) when (e.Error == EcrErrors.AccessDenied)
            {
                return e.Message;
            }
        }

        return null;
    }
}
