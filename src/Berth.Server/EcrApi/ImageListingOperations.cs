using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Server.EcrApi;

/// <summary>
/// The read-only image listings: DescribeImages (<see cref="ImageDescriptions"/>, with ECR's own ImageDetail members
/// and filters), ListImages and ListImageReferrers, paged with opaque <see cref="NextToken"/>s that carry the last key
/// returned.
/// </summary>
internal static class ImageListingOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("DescribeImages", call => ImageDescriptions.DescribeImagesAsync(call, ReadTagStatus(call), ReadImageStatus(call), details => EcrMembersAsync(call, details)));
        operations.Add("ListImages", ListImagesAsync);
        operations.Add("ListImageReferrers", ListImageReferrersAsync);
    }

    /// <summary>https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImages.html</summary>
    private static async Task ListImagesAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var page = await call.Service<ImageCatalogService>().ListAsync(repository, ReadTagStatus(call), ReadImageStatus(call), ImageDescriptions.ReadPage(call), call.Aborted).ConfigureAwait(false);
        var items = page.Items;
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("imageIds");
            foreach (var id in items)
            {
                ImageIds.WriteId(json, id.Digest.ToString(), id.Tag);
            }

            json.WriteEndArray();
            ImageDescriptions.WriteNextToken(json, page.HasMore && items.Count > 0 ? NextToken.Write(call, items[^1].Key) : null);
        }).ConfigureAwait(false);
    }

    /// <summary>https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImageReferrers.html</summary>
    private static async Task ListImageReferrersAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var subjectText = call.Element("subjectId")!.Value.GetProperty("imageDigest").GetString();
        if (!Digest.TryParse(subjectText, out var subject))
        {
            throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter at 'subjectId.imageDigest' failed to satisfy constraint: 'Invalid image digest'");
        }

        var filter = call.Element("filter");
        var artifactTypes = filter is { } f && f.TryGetProperty("artifactTypes", out var types)
            ? types.EnumerateArray().Select(t => t.GetString()!).ToHashSet(StringComparer.Ordinal)
            : null;
        var artifactStatus = filter is { } g && g.TryGetProperty("artifactStatus", out var status) ? status.GetString() : null;
        var limit = call.Int("maxResults") ?? 50;
        var after = NextToken.Read(call);

        await call.Service<ImageCatalogService>().RequireRepositoryAsync(repository, call.Aborted).ConfigureAwait(false);
        var all = await call.Service<ImageService>().ListReferrersAsync(repository, subject, null, call.Aborted).ConfigureAwait(false);
        var matching = all
            .Where(r => artifactTypes is null || artifactTypes.Count == 0 || (r.ArtifactType is not null && artifactTypes.Contains(r.ArtifactType)))
            .Where(_ => artifactStatus is null or "ACTIVE" or "ANY")
            .OrderBy(r => r.Digest.ToString(), StringComparer.Ordinal)
            .Where(r => after is null || string.CompareOrdinal(r.Digest.ToString(), after) > 0)
            .ToList();
        var page = matching.Take(limit).ToList();
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("referrers");
            foreach (var referrer in page)
            {
                json.WriteStartObject();
                json.WriteString("digest", referrer.Digest.ToString());
                json.WriteString("mediaType", referrer.MediaType);
                if (referrer.ArtifactType is not null)
                {
                    json.WriteString("artifactType", referrer.ArtifactType);
                }

                json.WriteNumber("size", referrer.Size);
                if (referrer.Annotations is { Count: > 0 } annotations)
                {
                    json.WriteStartObject("annotations");
                    foreach (var (key, value) in annotations)
                    {
                        json.WriteString(key, value);
                    }

                    json.WriteEndObject();
                }

                json.WriteString("artifactStatus", "ACTIVE");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            ImageDescriptions.WriteNextToken(json, matching.Count > limit ? NextToken.Write(call, page[^1].Digest.ToString()) : null);
        }).ConfigureAwait(false);
    }

    /// <summary>The members of ECR's ImageDetail that ECR Public's lacks.</summary>
    /// <summary>ECR's own ImageDetail members, with each image's last scan (imageScanStatus, imageScanFindingsSummary) read first.</summary>
    private static async Task<Action<Utf8JsonWriter, ImageDetail>> EcrMembersAsync(EcrCall call, IReadOnlyList<ImageDetail> details)
    {
        var scans = await call.Service<Core.Scanning.ScanningService>()
            .ListAsync(call.RepositoryName(), details.Select(d => d.Digest.ToString()).ToList(), call.Aborted).ConfigureAwait(false);
        return (json, detail) =>
        {
            WriteEcrMembers(json, detail);
            if (scans.TryGetValue(detail.Digest.ToString(), out var scan))
            {
                ScanningOperations.WriteImageMembers(json, scan);
            }
        };
    }

    private static void WriteEcrMembers(Utf8JsonWriter json, ImageDetail detail)
    {
        if (detail.LastPulledAt is { } pulled)
        {
            EcrCall.WriteTimestamp(json, "lastRecordedPullTime", pulled);
        }

        if (detail.Subject is { } subject)
        {
            json.WriteString("subjectManifestDigest", subject.ToString());
        }

        json.WriteString("imageStatus", detail.Storage.Status.ToString().ToUpperInvariant());
        if (detail.Storage.LastArchivedAt is { } archived)
        {
            EcrCall.WriteTimestamp(json, "lastArchivedAt", archived);
        }

        if (detail.Storage.LastActivatedAt is { } activated)
        {
            EcrCall.WriteTimestamp(json, "lastActivatedAt", activated);
        }
    }

    private static TagStatus ReadTagStatus(EcrCall call) =>
        call.Element("filter") is { } filter && filter.TryGetProperty("tagStatus", out var status)
            ? status.GetString() switch { "TAGGED" => TagStatus.Tagged, "UNTAGGED" => TagStatus.Untagged, _ => TagStatus.Any }
            : TagStatus.Any;

    /// <summary>
    /// The filter's imageStatus: ACTIVE when absent (ECR lists archived images only when asked), null for ANY. A restore
    /// is immediate here, so no image is ever ACTIVATING and that filter matches none.
    /// </summary>
    private static ImageStatus? ReadImageStatus(EcrCall call) =>
        call.Element("filter") is { } filter && filter.TryGetProperty("imageStatus", out var status)
            ? status.GetString() switch
            {
                "ARCHIVED" => ImageStatus.Archived,
                "ACTIVATING" => ImageStatus.Activating,
                "ANY" => null,
                _ => ImageStatus.Active,
            }
            : ImageStatus.Active;
}
