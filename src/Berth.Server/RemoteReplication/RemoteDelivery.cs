using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Replication;

namespace Berth.Server.RemoteReplication;

/// <summary>
/// Delivers one claimed outbox task to a remote destination, in a scope of the source registry (its image store),
/// and records the outcome under the claim: COMPLETE; FAILED with ACCESS_DENIED when the destination refuses the
/// credentials (401/403), DESTINATION_REJECTED when it refuses the content (another 4xx), IMAGE_NOT_FOUND when the
/// source lost the image, DESTINATION_REMOVED when the destination was removed; otherwise (connection refused, a
/// timeout, 5xx, 429) a retry after the backoff of <see cref="ReplicationSettings"/>.
/// </summary>
internal sealed class RemoteDelivery(
    IImageStore images, IBlobStore blobs, IRemoteDestinationStore remotes, IReplicationOutbox outbox, SecretProtector protector,
    IHttpClientFactory clients, ReplicationSettings settings, RemoteReplicationSettings remoteSettings, TimeProvider time)
{
    public const string HttpClientName = "replication";

    public async ValueTask<(ReplicationStatus Status, string? Reason)> DeliverAsync(ReplicationTask task, string owner, CancellationToken cancellationToken)
    {
        try
        {
            var destination = await remotes.FindAsync(task.Remote!, cancellationToken).ConfigureAwait(false);
            if (destination is null)
            {
                return await FailAsync(task, owner, ReplicationFailureCodes.DestinationRemoved, $"The remote destination '{task.Remote}' was removed", cancellationToken).ConfigureAwait(false);
            }

            var secret = destination.SealedSecret is null ? null : Encoding.UTF8.GetString(protector.Unprotect(destination.SealedSecret));
            var client = new RemoteRegistryClient(clients.CreateClient(HttpClientName), destination, secret, time);
            var copy = new RemoteImageCopy(images, blobs, remotes, client, destination, remoteSettings.ChunkSize);
            if (!await copy.CopyAsync(task.Repository, task.Digest, task.Tag, cancellationToken).ConfigureAwait(false))
            {
                return await FailAsync(task, owner, ReplicationFailureCodes.ImageNotFound, "The image is no longer in the source repository", cancellationToken).ConfigureAwait(false);
            }

            await outbox.CompleteAsync(task, owner, cancellationToken).ConfigureAwait(false);
            return (ReplicationStatus.Complete, null);
        }
        catch (RemoteRegistryException e) when (e.Permanent)
        {
            var code = e.Unauthorized || e.Message.Contains("UnrecognizedClientException", StringComparison.Ordinal)
                || e.Message.Contains("InvalidSignatureException", StringComparison.Ordinal)
                ? ReplicationFailureCodes.AccessDenied
                : ReplicationFailureCodes.DestinationRejected;
            return await FailAsync(task, owner, code, e.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error == RegistryErrorCode.BlobUnknown || e.Error == EcrErrors.RepositoryNotFound)
        {
            return await FailAsync(task, owner, ReplicationFailureCodes.ImageNotFound, e.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Connection refused, a timeout (HttpClient's surfaces as TaskCanceledException), 5xx, 429, the database.
            var reason = e is TaskCanceledException ? $"The request to the destination timed out ({e.Message})" : e.Message;
            if (task.Attempts + 1 >= settings.MaxAttempts)
            {
                return await FailAsync(task, owner, ReplicationFailureCodes.RetriesExhausted, reason, cancellationToken).ConfigureAwait(false);
            }

            await outbox.RetryAsync(task, owner, settings.DelayAfter(task.Attempts), reason, cancellationToken).ConfigureAwait(false);
            return (ReplicationStatus.InProgress, reason);
        }
    }

    private async ValueTask<(ReplicationStatus, string?)> FailAsync(ReplicationTask task, string owner, string code, string reason, CancellationToken cancellationToken)
    {
        await outbox.FailAsync(task, owner, code, reason, cancellationToken).ConfigureAwait(false);
        return (ReplicationStatus.Failed, reason);
    }
}
