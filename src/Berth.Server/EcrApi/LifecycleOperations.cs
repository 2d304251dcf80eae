using System.Globalization;
using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Lifecycle;

namespace Berth.Server.EcrApi;

/// <summary>
/// Lifecycle policies: PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy, StartLifecyclePolicyPreview and
/// GetLifecyclePolicyPreview. A preview is computed within its Start call, so it is COMPLETE by the first Get (and the
/// waiter lifecycle-policy-preview-complete returns at once).
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetLifecyclePolicyPreview.html
/// </summary>
internal static class LifecycleOperations
{
    private const int DefaultPreviewPage = 100;

    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("PutLifecyclePolicy", PutAsync);
        operations.Add("GetLifecyclePolicy", GetAsync);
        operations.Add("DeleteLifecyclePolicy", DeleteAsync);
        operations.Add("StartLifecyclePolicyPreview", StartPreviewAsync);
        operations.Add("GetLifecyclePolicyPreview", GetPreviewAsync);
    }

    private static async Task PutAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var text = call.String("lifecyclePolicyText")!;
        await call.Service<LifecycleService>().PutAsync(name, text, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", name.Value);
            json.WriteString("lifecyclePolicyText", text);
        }).ConfigureAwait(false);
    }

    private static async Task GetAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var policy = await call.Service<LifecycleService>().GetAsync(name, call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, name.Value, policy).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var policy = await call.Service<LifecycleService>().DeleteAsync(name, call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, name.Value, policy).ConfigureAwait(false);
    }

    private static async Task StartPreviewAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var preview = await call.Service<LifecycleService>().StartPreviewAsync(name, call.String("lifecyclePolicyText"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", name.Value);
            json.WriteString("lifecyclePolicyText", preview.PolicyText);
            json.WriteString("status", StatusName(preview.Status));
        }).ConfigureAwait(false);
    }

    private static async Task GetPreviewAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var ids = call.Element("imageIds");
        if (ids is not null && (call.Int("maxResults") is not null || call.String("nextToken") is not null))
        {
            throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter: 'maxResults' and 'nextToken' cannot be used with 'imageIds'");
        }

        var preview = await call.Service<LifecycleService>().GetPreviewAsync(name, call.Aborted).ConfigureAwait(false);
        IEnumerable<LifecyclePreviewResult> results = preview.Results;
        var tagStatus = call.Element("filter") is { } filter && filter.TryGetProperty("tagStatus", out var status) ? status.GetString() : null;
        results = tagStatus switch
        {
            "TAGGED" => results.Where(r => r.Tags.Count > 0),
            "UNTAGGED" => results.Where(r => r.Tags.Count == 0),
            _ => results,
        };
        if (ids is { } requested)
        {
            var wanted = requested.EnumerateArray().Select(ImageIds.Read).Where(r => r.Failure is null).Select(r => r.Id).ToList();
            results = results.Where(r => wanted.Any(w => (w.Digest is null || w.Digest == r.Digest) && (w.Tag is null || r.Tags.Contains(w.Tag.Value))));
        }

        var all = results.ToList();
        var start = NextToken.Read(call) is { } key && int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        var limit = call.Int("maxResults") ?? DefaultPreviewPage;
        var page = all.Skip(start).Take(limit).ToList();
        var more = start + page.Count < all.Count;

        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", name.Value);
            json.WriteString("lifecyclePolicyText", preview.PolicyText);
            json.WriteString("status", StatusName(preview.Status));
            if (more)
            {
                json.WriteString("nextToken", NextToken.Write(call, (start + page.Count).ToString(CultureInfo.InvariantCulture)));
            }

            json.WriteStartArray("previewResults");
            foreach (var result in page)
            {
                WriteResult(json, result);
            }

            json.WriteEndArray();
            json.WriteStartObject("summary");
            json.WriteNumber("expiringImageTotalCount", preview.Results.Count(r => r.Action == LifecycleActionType.Expire));
            json.WriteStartArray("transitioningImageTotalCounts");
            var transitioning = preview.Results.Count(r => r.Action == LifecycleActionType.Transition);
            if (transitioning > 0)
            {
                json.WriteStartObject();
                json.WriteString("targetStorageClass", "ARCHIVE");
                json.WriteNumber("imageTotalCount", transitioning);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteResult(Utf8JsonWriter json, LifecyclePreviewResult result)
    {
        json.WriteStartObject();
        json.WriteStartArray("imageTags");
        foreach (var tag in result.Tags)
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();
        json.WriteString("imageDigest", result.Digest.ToString());
        EcrCall.WriteTimestamp(json, "imagePushedAt", result.PushedAt);
        json.WriteStartObject("action");
        json.WriteString("type", result.Action == LifecycleActionType.Expire ? "EXPIRE" : "TRANSITION");
        if (result.Action == LifecycleActionType.Transition)
        {
            json.WriteString("targetStorageClass", "ARCHIVE");
        }

        json.WriteEndObject();
        json.WriteNumber("appliedRulePriority", result.AppliedRulePriority);
        json.WriteString("storageClass", result.StorageClass == ImageStorageClass.Archive ? "ARCHIVE" : "STANDARD");
        json.WriteEndObject();
    }

    private static Task RespondAsync(EcrCall call, string repository, StoredLifecyclePolicy policy) =>
        call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", repository);
            json.WriteString("lifecyclePolicyText", policy.Text);
            if (policy.LastEvaluatedAt is { } evaluated)
            {
                EcrCall.WriteTimestamp(json, "lastEvaluatedAt", evaluated);
            }
        });

    /// <summary>ECR's spelling of a preview status (also the console's).</summary>
    internal static string StatusName(LifecyclePreviewStatus status) => status switch
    {
        LifecyclePreviewStatus.InProgress => "IN_PROGRESS",
        LifecyclePreviewStatus.Complete => "COMPLETE",
        LifecyclePreviewStatus.Expired => "EXPIRED",
        _ => "FAILED",
    };
}
