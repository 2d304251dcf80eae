using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Replication;

namespace Berth.Server.RemoteReplication;

/// <summary>
/// Copies one image of the source registry to a remote destination over the distribution API, in the order a
/// registry accepts it: a referrer's subject before the referrer, an index's children before the index, a manifest's
/// blobs before the manifest, the image's referrers (signatures, SBOMs) after it, the tag last. Whatever the
/// destination already holds (HEAD) is skipped, so a copy interrupted anywhere and started again sends only the rest;
/// a blob it received from Berth in another repository is mounted from there. Blob bytes stream from the blob store
/// to the socket; only manifests (at most 4 MiB, already in the database) are in memory.
/// </summary>
internal sealed class RemoteImageCopy(
    IImageStore images, IBlobStore blobs, IRemoteDestinationStore remotes, RemoteRegistryClient client, RemoteDestination destination, long chunkSize)
{
    private readonly HashSet<Digest> _visited = [];

    /// <summary>Copies the image and points <paramref name="tag"/> at it; false when the source no longer holds the image or part of it.</summary>
    public async Task<bool> CopyAsync(RepositoryName repository, Digest digest, Tag? tag, CancellationToken cancellationToken)
    {
        await client.PrepareAsync(repository, cancellationToken).ConfigureAwait(false);
        var manifest = await images.FindManifestAsync(repository, Reference.Of(digest), cancellationToken).ConfigureAwait(false);
        if (manifest is null || !await CopyManifestAsync(repository, manifest, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (tag is not null)
        {
            await client.PutManifestAsync(repository, tag.Value, manifest.MediaType, manifest.Content, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<bool> CopyManifestAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken)
    {
        if (!_visited.Add(manifest.Digest))
        {
            return true;
        }

        var parsed = ManifestParser.Parse(manifest.Content, manifest.MediaType);

        // A referrer's subject first; its own referrers (this one among them) follow it there.
        if (parsed.Subject is { } subject
            && await images.FindManifestAsync(repository, Reference.Of(subject), cancellationToken).ConfigureAwait(false) is { } subjectManifest
            && !await CopyManifestAsync(repository, subjectManifest, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        foreach (var child in parsed.Manifests)
        {
            var childManifest = await images.FindManifestAsync(repository, Reference.Of(child), cancellationToken).ConfigureAwait(false);
            if (childManifest is null || !await CopyManifestAsync(repository, childManifest, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        if (!await client.ManifestExistsAsync(repository, manifest.Digest, cancellationToken).ConfigureAwait(false))
        {
            foreach (var blob in parsed.Blobs)
            {
                if (!await CopyBlobAsync(repository, blob, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }

            await client.PutManifestAsync(repository, manifest.Digest.ToString(), manifest.MediaType, manifest.Content, cancellationToken).ConfigureAwait(false);
        }

        foreach (var referrer in await images.ListReferrersAsync(repository, manifest.Digest, null, cancellationToken).ConfigureAwait(false))
        {
            if (await images.FindManifestAsync(repository, Reference.Of(referrer.Digest), cancellationToken).ConfigureAwait(false) is { } referrerManifest
                && !await CopyManifestAsync(repository, referrerManifest, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<bool> CopyBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        if (await client.BlobExistsAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var size = await blobs.FindSizeAsync(digest, cancellationToken).ConfigureAwait(false);
        if (size is null)
        {
            return false;
        }

        var mountFrom = await remotes.FindMountSourceAsync(destination.Name, digest, cancellationToken).ConfigureAwait(false);
        var location = await client.StartUploadAsync(repository, digest, mountFrom == repository ? null : mountFrom, cancellationToken).ConfigureAwait(false);
        if (location is not null)
        {
            var content = await blobs.OpenReadAsync(digest, 0, cancellationToken).ConfigureAwait(false);
            await using (content.ConfigureAwait(false))
            {
                await client.UploadAsync(location, content, size.Value, digest, chunkSize, cancellationToken).ConfigureAwait(false);
            }
        }

        await remotes.RecordBlobAsync(destination.Name, digest, repository, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
