using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Server.EcrApi;

namespace Berth.Server.EcrPublicApi;

/// <summary>
/// DescribeImages and DescribeImageTags of ECR Public. Their ImageDetail has none of ECR's scan, pull-time or status
/// members. DescribeImageTags lists tags in the catalog's keyset order (image digest, then tag), paged by the opaque
/// <see cref="NextToken"/>; a tag's createdAt is its image's push time.
/// </summary>
internal static class PublicImageOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("DescribeImages", DescribeImagesAsync);
        operations.Add("DescribeImageTags", DescribeImageTagsAsync);
    }

    private static async Task DescribeImagesAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var catalog = call.Service<ImageCatalogService>();
        var details = new List<ImageDetail>();
        string? nextToken = null;
        if (call.Element("imageIds") is { } imageIds)
        {
            if (call.Int("maxResults") is not null || call.String("nextToken") is not null)
            {
                throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter: maxResults and nextToken cannot be used with imageIds");
            }

            await catalog.RequireRepositoryAsync(repository, call.Aborted).ConfigureAwait(false);
            foreach (var element in imageIds.EnumerateArray())
            {
                details.Add(await FindAsync(call, catalog, repository, element).ConfigureAwait(false));
            }
        }
        else
        {
            var page = await catalog.DescribeAsync(repository, TagStatus.Any, ReadPage(call), call.Aborted).ConfigureAwait(false);
            details.AddRange(page.Items);
            nextToken = page.HasMore ? NextToken.Write(page.Items[^1].Digest.ToString()) : null;
        }

        await call.RespondAsync(json =>
        {
            json.WriteStartArray("imageDetails");
            foreach (var detail in details)
            {
                WriteDetail(json, call, repository, detail);
            }

            json.WriteEndArray();
            WriteNextToken(json, nextToken);
        }).ConfigureAwait(false);
    }

    private static async Task DescribeImageTagsAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var catalog = call.Service<ImageCatalogService>();
        var page = await catalog.ListAsync(repository, TagStatus.Tagged, ReadPage(call), call.Aborted).ConfigureAwait(false);
        var images = new Dictionary<string, ImageDetail?>(StringComparer.Ordinal);
        var tags = new List<(string Tag, ImageDetail Detail)>();
        foreach (var id in page.Items)
        {
            var key = id.Digest.ToString();
            if (!images.TryGetValue(key, out var detail))
            {
                detail = await catalog.FindAsync(repository, Reference.Of(id.Digest), call.Aborted).ConfigureAwait(false);
                images[key] = detail;
            }

            // An image deleted between the listing and the read is left out.
            if (detail is not null && id.Tag is not null)
            {
                tags.Add((id.Tag, detail));
            }
        }

        await call.RespondAsync(json =>
        {
            json.WriteStartArray("imageTagDetails");
            foreach (var (tag, detail) in tags)
            {
                json.WriteStartObject();
                json.WriteString("imageTag", tag);
                EcrCall.WriteTimestamp(json, "createdAt", detail.PushedAt);
                json.WriteStartObject("imageDetail");
                json.WriteString("imageDigest", detail.Digest.ToString());
                json.WriteNumber("imageSizeInBytes", detail.ImageSize);
                EcrCall.WriteTimestamp(json, "imagePushedAt", detail.PushedAt);
                WriteMediaTypes(json, detail);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteNextToken(json, page.HasMore && page.Items.Count > 0 ? NextToken.Write(page.Items[^1].Key) : null);
        }).ConfigureAwait(false);
    }

    private static async Task<ImageDetail> FindAsync(EcrCall call, ImageCatalogService catalog, RepositoryName repository, JsonElement element)
    {
        var (id, failure) = ImageIds.Read(element);
        if (failure is not null)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, $"Invalid parameter at 'imageIds' failed to satisfy constraint: '{failure.Reason}'");
        }

        var detail = await catalog.FindAsync(repository, id.Tag is null ? Reference.Of(id.Digest!.Value) : Reference.Of(id.Tag), call.Aborted).ConfigureAwait(false);
        if (detail is null || (id.Digest is { } digest && detail.Digest != digest))
        {
            throw new RegistryException(EcrErrors.ImageNotFound,
                $"The image with imageId {{imageDigest:'{id.DigestText ?? "null"}', imageTag:'{id.TagText ?? "null"}'}} does not exist within the repository with name '{repository}' in the registry with id '{call.Registry.AccountId}'");
        }

        return detail;
    }

    private static void WriteDetail(Utf8JsonWriter json, EcrCall call, RepositoryName repository, ImageDetail detail)
    {
        json.WriteStartObject();
        json.WriteString("registryId", call.Registry.AccountId);
        json.WriteString("repositoryName", repository.Value);
        json.WriteString("imageDigest", detail.Digest.ToString());
        if (detail.Tags.Count > 0)
        {
            json.WriteStartArray("imageTags");
            foreach (var tag in detail.Tags)
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
        }

        json.WriteNumber("imageSizeInBytes", detail.ImageSize);
        EcrCall.WriteTimestamp(json, "imagePushedAt", detail.PushedAt);
        WriteMediaTypes(json, detail);
        json.WriteEndObject();
    }

    private static void WriteMediaTypes(Utf8JsonWriter json, ImageDetail detail)
    {
        json.WriteString("imageManifestMediaType", detail.MediaType);
        if (detail.ArtifactMediaType is not null)
        {
            json.WriteString("artifactMediaType", detail.ArtifactMediaType);
        }
    }

    // ECR's default page for DescribeImages is 100; DescribeImageTags pages the same way.
    private static PageRequest ReadPage(EcrCall call) => new(call.Int("maxResults") ?? 100, NextToken.Read(call.String("nextToken")));

    private static void WriteNextToken(Utf8JsonWriter json, string? nextToken)
    {
        if (nextToken is not null)
        {
            json.WriteString("nextToken", nextToken);
        }
    }
}
