using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Server.EcrApi;

namespace Berth.Server.EcrPublicApi;

/// <summary>
/// DescribeImages and DescribeImageTags of ECR Public. Their ImageDetail has none of ECR's scan, pull-time or status
/// members: DescribeImages is ECR's (<see cref="ImageDescriptions"/>) without them and without ECR's filters. DescribeImageTags lists tags in the catalog's keyset order (image digest, then tag), paged by the opaque
/// <see cref="NextToken"/>; a tag's createdAt is its image's push time.
/// </summary>
internal static class PublicImageOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("DescribeImages", call => ImageDescriptions.DescribeImagesAsync(call, TagStatus.Any, ImageStatus.Active, moreMembers: null));
        operations.Add("DescribeImageTags", DescribeImageTagsAsync);
    }

    private static async Task DescribeImageTagsAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var catalog = call.Service<ImageCatalogService>();
        var page = await catalog.ListAsync(repository, TagStatus.Tagged, ImageStatus.Active, ImageDescriptions.ReadPage(call), call.Aborted).ConfigureAwait(false);
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
                ImageDescriptions.WriteMediaTypes(json, detail);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            ImageDescriptions.WriteNextToken(json, page.HasMore && page.Items.Count > 0 ? NextToken.Write(call, page.Items[^1].Key) : null);
        }).ConfigureAwait(false);
    }
}
