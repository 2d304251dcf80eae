using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Core.Lifecycle;

/// <summary>
/// The lifecycle state of one registry's repositories: policies, previews and image storage classes. Every method
/// is one transaction, safe to call concurrently from any node; a repository that does not exist reads as null/false.
/// </summary>
public interface ILifecycleStore
{
    /// <summary>The repository's lifecycle policy, or null when it has none (or does not exist).</summary>
    ValueTask<StoredLifecyclePolicy?> FindPolicyAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>Replaces the policy (already validated); false when the repository does not exist.</summary>
    ValueTask<bool> SetPolicyAsync(RepositoryName repository, string policyText, CancellationToken cancellationToken);

    /// <summary>Removes the policy and returns it; null when there was none.</summary>
    ValueTask<StoredLifecyclePolicy?> DeletePolicyAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>Records when the policy (when its text is still <paramref name="policyText"/>) was last evaluated.</summary>
    ValueTask MarkEvaluatedAsync(RepositoryName repository, string policyText, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every image (manifest) of the repository as the evaluator sees it; empty when it does not exist.</summary>
    ValueTask<IReadOnlyList<LifecycleImage>> ListImagesAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>Replaces the repository's preview; false when the repository does not exist.</summary>
    ValueTask<bool> SavePreviewAsync(RepositoryName repository, LifecyclePreview preview, CancellationToken cancellationToken);

    /// <summary>The repository's latest preview, or null.</summary>
    ValueTask<LifecyclePreview?> FindPreviewAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>
    /// Moves an image to <paramref name="status"/> at <paramref name="at"/> (ARCHIVED sets lastArchivedAt, ACTIVE and
    /// ACTIVATING set lastActivatedAt); false when the image is gone.
    /// </summary>
    ValueTask<bool> SetStatusAsync(RepositoryName repository, Digest digest, ImageStatus status, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The image's storage status (ACTIVE when never archived), or null when the image does not exist.</summary>
    ValueTask<ImageStorageState?> FindStatusAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);
}
