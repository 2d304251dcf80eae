using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.Repositories;

namespace Berth.Core.Lifecycle;

/// <summary>
/// Lifecycle policies of one registry: Put/Get/DeleteLifecyclePolicy, previews, evaluation and
/// UpdateImageStorageClass. Every method throws RepositoryNotFoundException for a missing repository. Evaluation and
/// preview run the same <see cref="LifecycleEvaluator"/> over the same store listing, so a preview shows what the next
/// evaluation does when the images have not changed meanwhile. Expiry deletes through
/// <see cref="IImageCatalog.DeleteImageAsync"/>, the path of BatchDeleteImage.
/// </summary>
public sealed class LifecycleService(ILifecycleStore store, IImageCatalog catalog, RepositoryService repositories, LifecycleSettings settings, TimeProvider time)
{
    /// <summary>Validates and stores a policy; returns the text.</summary>
    public async ValueTask PutAsync(RepositoryName repository, string text, CancellationToken cancellationToken)
    {
        Validate(text);
        if (!await store.SetPolicyAsync(repository, text, cancellationToken).ConfigureAwait(false))
        {
            throw Missing(repository);
        }
    }

    /// <summary>Throws ECR's InvalidParameterException when <paramref name="text"/> is not a valid lifecycle policy here.</summary>
    public LifecyclePolicy Validate(string text) => LifecyclePolicy.Parse(text, settings.AllowExpireSinceImagePulled);

    /// <summary>The policy; LifecyclePolicyNotFoundException when the repository has none.</summary>
    public async ValueTask<StoredLifecyclePolicy> GetAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        return await store.FindPolicyAsync(repository, cancellationToken).ConfigureAwait(false) ?? throw PolicyMissing(repository);
    }

    public async ValueTask<StoredLifecyclePolicy> DeleteAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        return await store.DeletePolicyAsync(repository, cancellationToken).ConfigureAwait(false) ?? throw PolicyMissing(repository);
    }

    /// <summary>
    /// Evaluates <paramref name="text"/> (the repository's policy when null) against the repository's images now and
    /// keeps the result as the repository's preview, complete when this returns.
    /// </summary>
    public async ValueTask<LifecyclePreview> StartPreviewAsync(RepositoryName repository, string? text, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        text ??= (await store.FindPolicyAsync(repository, cancellationToken).ConfigureAwait(false) ?? throw PolicyMissing(repository)).Text;
        var policy = Validate(text);
        var now = time.GetUtcNow();
        var images = await store.ListImagesAsync(repository, cancellationToken).ConfigureAwait(false);
        var preview = new LifecyclePreview(
            text, LifecyclePreviewStatus.Complete, [.. LifecycleEvaluator.Evaluate(policy, images, now).Select(LifecyclePreviewResult.Of)], now);
        if (!await store.SavePreviewAsync(repository, preview, cancellationToken).ConfigureAwait(false))
        {
            throw Missing(repository);
        }

        return preview;
    }

    public async ValueTask<LifecyclePreview> GetPreviewAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        return await store.FindPreviewAsync(repository, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(LifecycleErrors.PreviewNotFound,
                $"Lifecycle policy preview for the repository with name '{repository}' does not exist in the registry with id '{repositories.Registry.AccountId}'");
    }

    /// <summary>
    /// Applies the repository's policy now: expires (deletes) and archives images as it decides, then records
    /// lastEvaluatedAt. A repository without a policy, or whose policy this deployment no longer accepts, is left alone.
    /// </summary>
    public async ValueTask<LifecycleRun> EvaluateAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        if (await store.FindPolicyAsync(repository, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return LifecycleRun.None;
        }

        LifecyclePolicy policy;
        try
        {
            policy = Validate(stored.Text);
        }
        catch (RegistryException)
        {
            return LifecycleRun.None;
        }

        var now = time.GetUtcNow();
        var images = await store.ListImagesAsync(repository, cancellationToken).ConfigureAwait(false);
        int expired = 0, archived = 0;
        foreach (var decision in LifecycleEvaluator.Evaluate(policy, images, now))
        {
            if (decision.Action == LifecycleActionType.Expire)
            {
                var deletion = await catalog.DeleteImageAsync(repository, decision.Image.Digest, null, cancellationToken).ConfigureAwait(false);
                expired += deletion.ManifestDeleted ? 1 : 0;
            }
            else if (await store.SetStatusAsync(repository, decision.Image.Digest, ImageStatus.Archived, now, cancellationToken).ConfigureAwait(false))
            {
                archived++;
            }
        }

        await store.MarkEvaluatedAsync(repository, stored.Text, now, cancellationToken).ConfigureAwait(false);
        return new LifecycleRun(expired, archived);
    }

    /// <summary>
    /// UpdateImageStorageClass: ARCHIVE archives an active image; STANDARD restores an archived one and answers
    /// ACTIVATING (the restore has started; Berth's bytes never left, so the image is ACTIVE at once). Asking for the
    /// class an image is already in answers its status. ImageNotFoundException is the caller's to raise on null.
    /// </summary>
    public async ValueTask<ImageStatus?> UpdateStorageClassAsync(RepositoryName repository, Reference reference, ImageStorageClass target, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        if (await catalog.FindImageAsync(repository, reference, cancellationToken).ConfigureAwait(false) is not { } image
            || await store.FindStatusAsync(repository, image.Digest, cancellationToken).ConfigureAwait(false) is not { } state)
        {
            return null;
        }

        var now = time.GetUtcNow();
        switch (target, state.Status)
        {
            case (ImageStorageClass.Archive, ImageStatus.Archived):
                return ImageStatus.Archived;
            case (ImageStorageClass.Archive, ImageStatus.Active):
                return await store.SetStatusAsync(repository, image.Digest, ImageStatus.Archived, now, cancellationToken).ConfigureAwait(false) ? ImageStatus.Archived : null;
            case (ImageStorageClass.Standard, ImageStatus.Archived):
                return await store.SetStatusAsync(repository, image.Digest, ImageStatus.Active, now, cancellationToken).ConfigureAwait(false) ? ImageStatus.Activating : null;
            case (ImageStorageClass.Standard, _):
                return state.Status;
            default:
                throw new RegistryException(LifecycleErrors.StorageClassUpdateNotSupported);
        }
    }

    private RegistryException Missing(RepositoryName repository) => EcrErrors.RepositoryMissing(repository.Value, repositories.Registry.AccountId);

    private RegistryException PolicyMissing(RepositoryName repository) =>
        new(LifecycleErrors.PolicyNotFound,
            $"Lifecycle policy does not exist for the repository with name '{repository}' in the registry with id '{repositories.Registry.AccountId}'");
}
