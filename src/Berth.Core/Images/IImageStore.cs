using Berth.Core.Content;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Core.Images;

/// <summary>Manifests, tags and referrers of each repository. Each method is one transaction.</summary>
public interface IImageStore
{
    /// <summary>The manifest a tag or digest names in the repository, or null.</summary>
    ValueTask<StoredManifest?> FindManifestAsync(RepositoryName repository, Reference reference, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: checks that every blob the manifest references is linked to the repository and every
    /// child manifest is stored in it, stores the manifest (creating the repository on first push) and points
    /// <paramref name="tag"/> at it. Nothing is written when something is missing.
    /// </summary>
    ValueTask<PutManifestOutcome> PutManifestAsync(RepositoryName repository, ParsedManifest manifest, Tag? tag, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="PutManifestAsync"/> for a manifest a pull through cache fetched from its upstream: the blobs and
    /// child manifests it references need not be in the repository yet (each is fetched when it is first pulled).
    /// </summary>
    ValueTask<PutManifestOutcome> PutUpstreamManifestAsync(RepositoryName repository, ParsedManifest manifest, Tag? tag, CancellationToken cancellationToken);

    /// <summary>Deletes a manifest and every tag pointing at it; false when the repository does not hold it.</summary>
    ValueTask<bool> DeleteManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Deletes one tag, keeping the manifest; false when there was no such tag.</summary>
    ValueTask<bool> DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken);

    /// <summary>Tags of the repository in ordinal order, after <see cref="PageRequest.After"/>.</summary>
    ValueTask<Page<string>> ListTagsAsync(RepositoryName repository, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Descriptors of the manifests whose subject is <paramref name="subject"/>, optionally of one artifact type.</summary>
    ValueTask<IReadOnlyList<Descriptor>> ListReferrersAsync(RepositoryName repository, Digest subject, string? artifactType, CancellationToken cancellationToken);
}
