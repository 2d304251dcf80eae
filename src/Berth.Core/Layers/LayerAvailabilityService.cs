using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Repositories;

namespace Berth.Core.Layers;

/// <summary>BatchCheckLayerAvailability and the checks of GetDownloadUrlForLayer: which layers a repository may serve.</summary>
public sealed class LayerAvailabilityService(
    IBlobLinkStore links, IBlobStore blobs, ILayerStore layers, RepositoryService repositories, GarbageCollection.LinkRenewal renewal)
{
    /// <summary>
    /// One answer per requested digest, in order (a link older than half the garbage collector's grace period is
    /// renewed, <see cref="GarbageCollection.LinkRenewal"/>). A layer linked to the repository is AVAILABLE (UNAVAILABLE when the
    /// blob store lost its bytes, ARCHIVED when only archived images use it); an unknown one is a MissingLayerDigest
    /// failure. Throws RepositoryNotFoundException. The media type of an available layer is the one the repository's
    /// first pushed manifest that references it declares; a layer no manifest references yet has none (ECR's answer
    /// for that case is not documented).
    /// </summary>
    public async ValueTask<IReadOnlyList<LayerCheck>> CheckAsync(RepositoryName repository, IReadOnlyList<string> digests, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        var results = new List<LayerCheck>(digests.Count);
        var descriptors = new Dictionary<Digest, IReadOnlyDictionary<Digest, string>>();
        foreach (var text in digests)
        {
            if (!Digest.TryParse(text, out var digest))
            {
                results.Add(new LayerCheck(text, 0, false, "InvalidLayerDigest", "Invalid layer digest"));
                continue;
            }

            // A pusher skips the layers found here and puts a manifest referencing them next: old links are renewed.
            var size = await links.FindAndRenewAsync(repository, digest, renewal.RenewBefore, cancellationToken).ConfigureAwait(false);
            if (size is null)
            {
                results.Add(new LayerCheck(text, 0, false, "MissingLayerDigest", "Missing layer digest"));
                continue;
            }

            var stored = await blobs.FindSizeAsync(digest, cancellationToken).ConfigureAwait(false) is not null;
            results.Add(new LayerCheck(digest.ToString(), size.Value, stored, MediaType: await MediaTypeAsync(repository, digest, descriptors, cancellationToken).ConfigureAwait(false))
            {
                Archived = stored && await layers.IsArchivedAsync(repository, digest, cancellationToken).ConfigureAwait(false),
            });
        }

        return results;
    }

    private async ValueTask<string?> MediaTypeAsync(
        RepositoryName repository, Digest digest, Dictionary<Digest, IReadOnlyDictionary<Digest, string>> descriptors, CancellationToken cancellationToken)
    {
        if (await layers.FindReferencingManifestAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not { } manifest)
        {
            return null;
        }

        // The layers of one image usually share a manifest: it is parsed once per call.
        if (!descriptors.TryGetValue(manifest.Digest, out var mediaTypes))
        {
            mediaTypes = ManifestParser.BlobMediaTypes(manifest.Content);
            descriptors[manifest.Digest] = mediaTypes;
        }

        return mediaTypes.GetValueOrDefault(digest);
    }

    /// <summary>
    /// The digest and size of a layer the repository may hand out for download: linked to it and referenced by one of
    /// its images. Throws RepositoryNotFoundException, LayersNotFoundException (unknown) or LayerInaccessibleException
    /// (uploaded but not part of an image).
    /// </summary>
    public async ValueTask<(Digest Digest, long Size)> GetDownloadableAsync(RepositoryName repository, string digestText, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        var registryId = repositories.Registry.AccountId;
        if (!Digest.TryParse(digestText, out var digest) || await links.FindAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not { } size)
        {
            throw new RegistryException(EcrErrors.LayersNotFound,
                $"The layer with digest '{digestText}' does not exist in the repository with name '{repository}' in the registry with id '{registryId}'");
        }

        if (!await layers.IsReferencedAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            throw new RegistryException(EcrErrors.LayerInaccessible,
                $"The layer with digest '{digest}' is not associated with an image in the repository with name '{repository}' in the registry with id '{registryId}'");
        }

        return (digest, size);
    }
}
