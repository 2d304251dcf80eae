using Berth.Core.Errors;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Server.EcrApi;

/// <summary>
/// UpdateImageStorageClass and the pull-time update exclusions (RegisterPullTimeUpdateExclusion,
/// DeregisterPullTimeUpdateExclusion, ListPullTimeUpdateExclusions).
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateImageStorageClass.html
/// </summary>
internal static class StorageClassOperations
{
    private const int DefaultExclusionPage = 100;

    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("UpdateImageStorageClass", UpdateStorageClassAsync);
        operations.Add("RegisterPullTimeUpdateExclusion", RegisterExclusionAsync);
        operations.Add("DeregisterPullTimeUpdateExclusion", DeregisterExclusionAsync);
        operations.Add("ListPullTimeUpdateExclusions", ListExclusionsAsync);
    }

    private static async Task UpdateStorageClassAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var (id, failure) = ImageIds.Read(call.Element("imageId")!.Value);
        if (failure is not null)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, failure.Reason);
        }

        var target = call.String("targetStorageClass") == "ARCHIVE" ? ImageStorageClass.Archive : ImageStorageClass.Standard;
        var reference = id.Digest is { } digest ? Reference.Of(digest) : Reference.Of(id.Tag!);
        var status = await call.Service<LifecycleService>().UpdateStorageClassAsync(name, reference, target, call.Aborted).ConfigureAwait(false)
            ?? throw new RegistryException(EcrErrors.ImageNotFound,
                $"The image with imageId {{imageDigest:'{id.DigestText ?? "null"}', imageTag:'{id.TagText ?? "null"}'}} does not exist within the repository with name '{name}' in the registry with id '{call.Registry.AccountId}'");
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", name.Value);
            json.WritePropertyName("imageId");
            ImageIds.WriteId(json, id.DigestText, id.TagText);
            json.WriteString("imageStatus", status.ToString().ToUpperInvariant());
        }).ConfigureAwait(false);
    }

    private static async Task RegisterExclusionAsync(EcrCall call)
    {
        var arn = call.String("principalArn")!;
        var createdAt = call.Service<TimeProvider>().GetUtcNow();
        if (!await call.Service<IPullTimeExclusionStore>().RegisterAsync(arn, createdAt, call.Aborted).ConfigureAwait(false))
        {
            throw new RegistryException(LifecycleErrors.ExclusionAlreadyExists, $"The principal '{arn}' is already excluded from pull time updates in the registry with id '{call.Registry.AccountId}'");
        }

        await call.RespondAsync(json =>
        {
            json.WriteString("principalArn", arn);
            EcrCall.WriteTimestamp(json, "createdAt", createdAt);
        }).ConfigureAwait(false);
    }

    private static async Task DeregisterExclusionAsync(EcrCall call)
    {
        var arn = call.String("principalArn")!;
        if (!await call.Service<IPullTimeExclusionStore>().DeregisterAsync(arn, call.Aborted).ConfigureAwait(false))
        {
            throw new RegistryException(LifecycleErrors.ExclusionNotFound, $"The principal '{arn}' is not excluded from pull time updates in the registry with id '{call.Registry.AccountId}'");
        }

        await call.RespondAsync(json => json.WriteString("principalArn", arn)).ConfigureAwait(false);
    }

    private static async Task ListExclusionsAsync(EcrCall call)
    {
        var page = await call.Service<IPullTimeExclusionStore>().ListAsync(
            new PageRequest(call.Int("maxResults") ?? DefaultExclusionPage, NextToken.Read(call)), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("pullTimeUpdateExclusions");
            foreach (var arn in page.Items)
            {
                json.WriteStringValue(arn);
            }

            json.WriteEndArray();
            if (page.HasMore)
            {
                json.WriteString("nextToken", NextToken.Write(call, page.Items[^1]));
            }
        }).ConfigureAwait(false);
    }
}
