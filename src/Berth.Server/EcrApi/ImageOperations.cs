using System.Text;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Events;
using Berth.Core.Images;
using Berth.Core.Naming;

namespace Berth.Server.EcrApi;

/// <summary>
/// Image operations: PutImage, BatchGetImage, BatchDeleteImage here; DescribeImages, ListImages and
/// ListImageReferrers in <see cref="ImageListingOperations"/>. They share state with /v2/ through
/// <see cref="ImageService"/> and <see cref="ImageCatalogService"/>.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Operations.html
/// </summary>
internal static class ImageOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("PutImage", PutImageAsync);
        operations.Add("BatchGetImage", BatchGetImageAsync);
        operations.Add("BatchDeleteImage", BatchDeleteImageAsync);
        ImageListingOperations.Register(operations);
    }

    /// <summary>https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html</summary>
    private static async Task PutImageAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        await call.Service<ImageCatalogService>().RequireRepositoryAsync(repository, call.Aborted).ConfigureAwait(false);
        var tagText = call.String("imageTag");
        var tag = tagText is null ? null : Tag.TryParse(tagText, out var parsedTag) ? parsedTag : throw Invalid("imageTag", "Invalid image tag");
        var digestText = call.String("imageDigest");
        Digest? digest = digestText is null ? null : Digest.TryParse(digestText, out var parsedDigest) ? parsedDigest : throw Invalid("imageDigest", "Invalid image digest");
        var content = Encoding.UTF8.GetBytes(call.String("imageManifest")!);
        try
        {
            await PutAsync(call, repository, content, digest, tag).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
            await call.Service<IImageActionFailures>().RecordAsync(repository, ImageActionEvent.Push, Digest.Sha256Of(content), tag?.Value, call.Aborted).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task PutAsync(EcrCall call, RepositoryName repository, byte[] content, Digest? digest, Tag? tag)
    {
        var (manifest, outcome) = await StoreAsync(call, repository, content, digest, tag).ConfigureAwait(false);
        var registryId = call.Registry.AccountId;
        if (outcome.MissingBlobs.Count > 0)
        {
            throw new RegistryException(EcrErrors.LayersNotFound,
                $"Layers with digests '[{string.Join(", ", outcome.MissingBlobs)}]' required for pushing image into repository with name '{repository}' in the registry with id '{registryId}' do not exist");
        }

        if (outcome.MissingManifests.Count > 0)
        {
            throw new RegistryException(EcrErrors.ReferencedImagesNotFound,
                $"Images with digests '[{string.Join(", ", outcome.MissingManifests)}]' referenced by the manifest list do not exist in the repository with name '{repository}' in the registry with id '{registryId}'");
        }

        if (outcome.AlreadyTagged)
        {
            throw new RegistryException(EcrErrors.ImageAlreadyExists,
                $"Image with digest '{manifest.Digest}' and tag '{tag}' already exists in the repository with name '{repository}' in registry with id '{registryId}'");
        }

        await call.RespondAsync(json =>
        {
            json.WritePropertyName("image");
            WriteImage(json, call, repository, manifest.Digest.ToString(), tag?.Value, manifest.Content, manifest.MediaType);
        }).ConfigureAwait(false);
    }

    /// <summary>https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html</summary>
    private static async Task BatchGetImageAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var catalog = call.Service<ImageCatalogService>();
        await catalog.RequireRepositoryAsync(repository, call.Aborted).ConfigureAwait(false);
        var accepted = call.Element("acceptedMediaTypes")?.EnumerateArray().Select(m => m.GetString()!).ToHashSet(StringComparer.Ordinal);
        var images = new List<(ImageIds.Requested Id, StoredManifest Manifest)>();
        var failures = new List<ImageIds.Failure>();
        foreach (var element in call.Element("imageIds")!.Value.EnumerateArray())
        {
            var (id, failure) = ImageIds.Read(element);
            if (failure is null)
            {
                var manifest = await catalog.PullAsync(repository, id.Tag is null ? Reference.Of(id.Digest!.Value) : Reference.Of(id.Tag), call.Aborted, call.Principal).ConfigureAwait(false);
                // Pulled by tag alone, an image stored in a type the caller does not accept is converted when it can
                // be (as over /v2/); by digest, or by tag and digest, it never is.
                var served = manifest is null || accepted is null ? manifest : ManifestNegotiation.Select(manifest, accepted, byTag: id.Digest is null);
                failure = manifest switch
                {
                    null => ImageIds.NotFound(id),
                    _ when id.Digest is { } digest && id.Tag is not null && manifest.Digest != digest => ImageIds.TagDoesNotMatchDigest(id),
                    _ when served is null => new ImageIds.Failure(
                        id, "ImageNotFound", $"{ImageIds.NotFoundReason}: its media type '{manifest.MediaType}' is not among the accepted media types"),
                    _ => null,
                };
                if (failure is null)
                {
                    images.Add((id, served!));
                }
            }

            if (failure is not null)
            {
                failures.Add(failure);
            }
        }

        await call.RespondAsync(json =>
        {
            json.WriteStartArray("images");
            foreach (var (id, manifest) in images)
            {
                WriteImage(json, call, repository, manifest.Digest.ToString(), id.TagText, manifest.Content, manifest.MediaType);
            }

            json.WriteEndArray();
            ImageIds.WriteFailures(json, failures);
        }).ConfigureAwait(false);
    }

    /// <summary>https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html</summary>
    private static async Task BatchDeleteImageAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var catalog = call.Service<ImageCatalogService>();
        await catalog.RequireRepositoryAsync(repository, call.Aborted).ConfigureAwait(false);
        var deleted = new List<(string Digest, string? Tag)>();
        var failures = new List<ImageIds.Failure>();
        foreach (var element in call.Element("imageIds")!.Value.EnumerateArray())
        {
            var (id, failure) = ImageIds.Read(element);
            if (failure is not null)
            {
                failures.Add(failure);
                continue;
            }

            var deletion = await catalog.DeleteAsync(repository, id.Digest, id.Tag, call.Aborted).ConfigureAwait(false);
            if (deletion.Status != ImageDeletionStatus.Deleted)
            {
                await call.Service<IImageActionFailures>().RecordAsync(repository, ImageActionEvent.Delete, id.Digest, id.Tag?.Value, call.Aborted).ConfigureAwait(false);
            }

            switch (deletion.Status)
            {
                case ImageDeletionStatus.Deleted when deletion.Tags.Count == 0:
                    deleted.Add((deletion.Digest!.Value.ToString(), null));
                    break;
                case ImageDeletionStatus.Deleted:
                    deleted.AddRange(deletion.Tags.Select(t => (deletion.Digest!.Value.ToString(), (string?)t)));
                    break;
                case ImageDeletionStatus.TagDoesNotMatchDigest:
                    failures.Add(ImageIds.TagDoesNotMatchDigest(id));
                    break;
                case ImageDeletionStatus.ReferencedByIndex:
                    failures.Add(new ImageIds.Failure(id, "ImageReferencedByManifestList",
                        $"Requested image referenced by manifest list: [{string.Join(", ", deletion.ReferencedBy)}]"));
                    break;
                default:
                    failures.Add(ImageIds.NotFound(id));
                    break;
            }
        }

        await call.RespondAsync(json =>
        {
            json.WriteStartArray("imageIds");
            foreach (var (digest, tag) in deleted)
            {
                ImageIds.WriteId(json, digest, tag);
            }

            json.WriteEndArray();
            ImageIds.WriteFailures(json, failures);
        }).ConfigureAwait(false);
    }

    /// <summary>The manifest push shared with /v2/, its OCI errors answered as the ECR exceptions PutImage declares.</summary>
    private static async Task<(Core.Manifests.ParsedManifest Manifest, PutManifestOutcome Outcome)> StoreAsync(
        EcrCall call, RepositoryName repository, byte[] content, Digest? digest, Tag? tag)
    {
        try
        {
            return await call.Service<ImageService>().StoreManifestAsync(repository, content, call.String("imageManifestMediaType"), digest, tag, call.Aborted).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error == RegistryErrorCode.DigestInvalid)
        {
            throw new RegistryException(EcrErrors.ImageDigestDoesNotMatch,
                $"Provided image digest '{digest}' does not match the digest of the image manifest '{Digest.Sha256Of(content)}'");
        }
        catch (RegistryException e) when (e.Error.Code == RegistryErrorCode.ManifestInvalid.Code)
        {
            throw Invalid("imageManifest", e.Message);
        }
    }

    private static RegistryException Invalid(string member, string constraint) =>
        new(EcrErrors.InvalidParameter, $"Invalid parameter at '{member}' failed to satisfy constraint: '{constraint}'");

    private static void WriteImage(Utf8JsonWriter json, EcrCall call, RepositoryName repository, string digest, string? tag, ReadOnlyMemory<byte> content, string mediaType)
    {
        json.WriteStartObject();
        json.WriteString("registryId", call.Registry.AccountId);
        json.WriteString("repositoryName", repository.Value);
        json.WritePropertyName("imageId");
        ImageIds.WriteId(json, digest, tag);
        json.WriteString("imageManifest", Encoding.UTF8.GetString(content.Span));
        json.WriteString("imageManifestMediaType", mediaType);
        json.WriteEndObject();
    }
}
