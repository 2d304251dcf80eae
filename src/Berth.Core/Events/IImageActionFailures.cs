using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Core.Events;

/// <summary>
/// The "ECR Image Action" events with result FAILURE: a manifest push or an image delete that reached an existing
/// repository and was refused (an immutable tag, an invalid manifest, a missing blob, an image that is not there). There
/// is no change to commit them with, so each is written to the outbox in a transaction of its own, and only when the
/// repository exists and webhooks are configured.
/// </summary>
public interface IImageActionFailures
{
    /// <summary>Queues one FAILURE event of <paramref name="actionType"/> (<see cref="ImageActionEvent.Push"/> or <see cref="ImageActionEvent.Delete"/>).</summary>
    ValueTask RecordAsync(RepositoryName repository, string actionType, Digest? digest, string? tag, CancellationToken cancellationToken);
}
