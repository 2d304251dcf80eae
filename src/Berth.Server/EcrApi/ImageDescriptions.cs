using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Server.EcrApi;

/// <summary>
/// DescribeImages as ECR and ECR Public answer it, and the ImageDetail members both APIs share (registry, repository,
/// digest, tags, size, push time, media types); ECR adds its own members (pull time, subject, status) through
/// <c>moreMembers</c>. Pages are opaque <see cref="NextToken"/>s carrying the last image digest returned.
/// </summary>
internal static class ImageDescriptions
{
    /// <summary>
    /// DescribeImages: the images <c>imageIds</c> names (each must exist, whatever its status), else a page of the
    /// repository's images with the tag status and the image status (null: any).
    /// </summary>
    public static async Task DescribeImagesAsync(EcrCall call, TagStatus tagStatus, ImageStatus? imageStatus, Func<IReadOnlyList<ImageDetail>, Task<Action<Utf8JsonWriter, ImageDetail>>>? moreMembers)
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
            var page = await catalog.DescribeAsync(repository, tagStatus, imageStatus, ReadPage(call), call.Aborted).ConfigureAwait(false);
            details.AddRange(page.Items);
            nextToken = page.HasMore ? NextToken.Write(call, page.Items[^1].Digest.ToString()) : null;
        }

        var writeMore = moreMembers is null ? null : await moreMembers(details).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("imageDetails");
            foreach (var detail in details)
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
                writeMore?.Invoke(json, detail);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteNextToken(json, nextToken);
        }).ConfigureAwait(false);
    }

    /// <summary>imageManifestMediaType, and artifactMediaType when the image has one.</summary>
    public static void WriteMediaTypes(Utf8JsonWriter json, ImageDetail detail)
    {
        json.WriteString("imageManifestMediaType", detail.MediaType);
        if (detail.ArtifactMediaType is not null)
        {
            json.WriteString("artifactMediaType", detail.ArtifactMediaType);
        }
    }

    // The default page of DescribeImages, ListImages and ECR Public's DescribeImageTags is 100.
    public static PageRequest ReadPage(EcrCall call) => new(call.Int("maxResults") ?? 100, NextToken.Read(call));

    public static void WriteNextToken(Utf8JsonWriter json, string? nextToken)
    {
        if (nextToken is not null)
        {
            json.WriteString("nextToken", nextToken);
        }
    }

    /// <summary>The image one imageId names; InvalidParameterException or ImageNotFoundException with ECR's wording.</summary>
    public static async Task<ImageDetail> FindAsync(EcrCall call, ImageCatalogService catalog, RepositoryName repository, JsonElement element)
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
}
