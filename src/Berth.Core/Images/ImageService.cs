using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Core.Images;

/// <summary>The use cases on manifests and tags, shared by the OCI and ECR faces.</summary>
public sealed class ImageService(IImageStore images, IRepositoryStore repositories, RepositoryService repositoryService, IBlobLinkStore links)
{
    /// <summary>The largest manifest accepted, as distribution and ECR (4 MiB).</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>The tags one image may have (ECR's and ECR Public's quota, which cannot be changed).</summary>
    public const int MaxTagsPerImage = 1000;

    /// <summary>Throws MANIFEST_UNKNOWN / NAME_UNKNOWN when the reference names nothing.</summary>
    public async ValueTask<StoredManifest> GetManifestAsync(RepositoryName repository, Reference reference, CancellationToken cancellationToken)
    {
        var manifest = await images.FindManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        if (manifest is { Archived: false })
        {
            return manifest;
        }

        // ECR answers a pull of an archived image with 404 (https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html).
        if (manifest is not null)
        {
            throw new RegistryException(
                RegistryErrorCode.ManifestUnknown, $"manifest unknown: {reference} is archived; restore it with UpdateImageStorageClass to pull it", new { Tag = reference.ToString() });
        }

        await RequireRepositoryAsync(repository, cancellationToken).ConfigureAwait(false);
        throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"manifest unknown: {reference}", new { Tag = reference.ToString() });
    }

    /// <summary>
    /// Validates and stores a manifest under a tag or digest reference. A digest reference must equal the digest of
    /// the bytes. Returns the stored manifest's description.
    /// </summary>
    public async ValueTask<ParsedManifest> PutManifestAsync(
        RepositoryName repository, Reference reference, ReadOnlyMemory<byte> content, string? contentType, CancellationToken cancellationToken)
    {
        var (manifest, outcome) = await StoreManifestAsync(
            repository, content, contentType, reference.IsDigest ? reference.Digest : null, reference.Tag, cancellationToken).ConfigureAwait(false);
        if (outcome.MissingBlobs.Count > 0)
        {
            throw new RegistryException(RegistryErrorCode.ManifestBlobUnknown, $"blob unknown to registry: {outcome.MissingBlobs[0]}", new { Digest = outcome.MissingBlobs[0].ToString() });
        }

        if (outcome.MissingManifests.Count > 0)
        {
            throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"manifest unknown to registry: {outcome.MissingManifests[0]}", new { Digest = outcome.MissingManifests[0].ToString() });
        }

        return manifest;
    }

    /// <summary>
    /// The one manifest push both faces use: checks the size, parses, compares <paramref name="expectedDigest"/>
    /// (DIGEST_INVALID), admits the push and stores the manifest under <paramref name="tag"/> in one transaction.
    /// Missing blobs or child manifests are returned in the outcome (nothing is written then).
    /// </summary>
    public async ValueTask<(ParsedManifest Manifest, PutManifestOutcome Outcome)> StoreManifestAsync(
        RepositoryName repository, ReadOnlyMemory<byte> content, string? contentType, Digest? expectedDigest, Tag? tag, CancellationToken cancellationToken)
    {
        if (content.Length > MaxManifestBytes)
        {
            throw new RegistryException(RegistryErrorCode.ManifestTooLarge, $"manifest exceeds the {MaxManifestBytes} byte limit");
        }

        var manifest = ManifestParser.Parse(content, contentType);
        if (expectedDigest is { } claimed)
        {
            var actual = claimed.Algorithm == "sha256" ? manifest.Digest : DigestOf(claimed.Algorithm, content.Span);
            if (actual != claimed)
            {
                throw new RegistryException(RegistryErrorCode.DigestInvalid, $"manifest digest {actual} does not match {claimed}", new { Expected = claimed.ToString(), Actual = actual.ToString() });
            }
        }

        await RequireDeclaredSizesAsync(repository, manifest, cancellationToken).ConfigureAwait(false);
        var outcome = await PutParsedManifestAsync(repository, manifest, tag, cancellationToken).ConfigureAwait(false);
        return (manifest, outcome);
    }

    /// <summary>
    /// Stores a parsed manifest after admitting the push (the repository must exist or be creatable). An immutable tag
    /// throws ImageTagAlreadyExistsException / TAG_INVALID with ECR's message, a tag beyond the image's
    /// <see cref="MaxTagsPerImage"/> LimitExceededException / TAG_INVALID; missing references are returned.
    /// </summary>
    public async ValueTask<PutManifestOutcome> PutParsedManifestAsync(RepositoryName repository, ParsedManifest manifest, Tag? tag, CancellationToken cancellationToken)
    {
        await repositoryService.EnsureForPushAsync(repository, cancellationToken).ConfigureAwait(false);
        var outcome = await images.PutManifestAsync(repository, manifest, tag, cancellationToken).ConfigureAwait(false);
        return outcome.Status switch
        {
            PutManifestStatus.RepositoryMissing => throw EcrErrors.RepositoryMissing(repository.Value, repositoryService.Registry.AccountId),
            PutManifestStatus.TagImmutable => throw EcrErrors.TagImmutable(tag?.Value, repository.Value),
            PutManifestStatus.TagLimitExceeded => throw EcrErrors.TagsFull(manifest.Digest.ToString(), MaxTagsPerImage),
            _ => outcome,
        };
    }

    /// <summary>Deletes a manifest (by digest) or a tag (by tag name). Throws MANIFEST_UNKNOWN / NAME_UNKNOWN.</summary>
    public async ValueTask DeleteAsync(RepositoryName repository, Reference reference, CancellationToken cancellationToken)
    {
        var deleted = reference.IsDigest
            ? await images.DeleteManifestAsync(repository, reference.Digest.Value, cancellationToken).ConfigureAwait(false)
            : await images.DeleteTagAsync(repository, reference.Tag, cancellationToken).ConfigureAwait(false);
        if (!deleted)
        {
            await RequireRepositoryAsync(repository, cancellationToken).ConfigureAwait(false);
            throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"manifest unknown: {reference}");
        }
    }

    public async ValueTask<Page<string>> ListTagsAsync(RepositoryName repository, PageRequest page, CancellationToken cancellationToken)
    {
        await RequireRepositoryAsync(repository, cancellationToken).ConfigureAwait(false);
        return await images.ListTagsAsync(repository, page, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<Page<string>> ListRepositoriesAsync(PageRequest page, CancellationToken cancellationToken)
    {
        var listed = await repositories.ListAsync(page, cancellationToken).ConfigureAwait(false);
        return new Page<string>([.. listed.Items.Select(r => r.Name)], listed.HasMore);
    }

    /// <summary>Referrers of a subject; an unknown repository or subject has none (distribution-spec: never 404).</summary>
    public ValueTask<IReadOnlyList<Descriptor>> ListReferrersAsync(RepositoryName repository, Digest subject, string? artifactType, CancellationToken cancellationToken) =>
        images.ListReferrersAsync(repository, subject, artifactType, cancellationToken);

    /// <summary>
    /// A descriptor's size must be its blob's (image-spec descriptor.md: size "specifies the size, in bytes, of the raw
    /// content"), or clients that trust it read short or past the end, and imageSizeInBytes is wrong. A blob not in the repository is left to the
    /// store, which reports it missing.
    /// </summary>
    private async ValueTask RequireDeclaredSizesAsync(RepositoryName repository, ParsedManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var (digest, declared) in manifest.DeclaredBlobSizes ?? new Dictionary<Digest, long>())
        {
            if (await links.FindAsync(repository, digest, cancellationToken).ConfigureAwait(false) is { } actual && actual != declared)
            {
                throw new RegistryException(RegistryErrorCode.ManifestInvalid, $"the manifest declares {digest} with size {declared}, but the blob has {actual} bytes",
                    new { Digest = digest.ToString(), Declared = declared, Actual = actual });
            }
        }
    }

    private async ValueTask RequireRepositoryAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        if (!await repositories.ExistsAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            throw new RegistryException(RegistryErrorCode.NameUnknown, $"repository name not known to registry: {repository}", new { Name = repository.Value });
        }
    }

    private static Digest DigestOf(string algorithm, ReadOnlySpan<byte> content) => algorithm switch
    {
        "sha512" => Digest.FromHash("sha512", System.Security.Cryptography.SHA512.HashData(content)),
        _ => Digest.Sha256Of(content),
    };
}
