using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.PublicRegistries;
using Berth.Core.Repositories;
using Berth.Server.EcrApi;

namespace Berth.Server.EcrPublicApi;

/// <summary>
/// ECR Public's repository operations: CreateRepository (with its catalog data), DescribeRepositories,
/// DeleteRepository, TagResource, UntagResource, ListTagsForResource. A public repository has none of ECR's settings
/// (tag mutability, scanning, encryption): its Repository shape is ARN, registry id, name, URI and creation time.
/// See https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_Operations.html
/// </summary>
internal static class PublicRepositoryOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("CreateRepository", CreateAsync);
        operations.Add("DescribeRepositories", DescribeAsync);
        operations.Add("DeleteRepository", DeleteAsync);
        operations.Add("TagResource", TagResourceAsync);
        operations.Add("UntagResource", UntagResourceAsync);
        operations.Add("ListTagsForResource", ListTagsForResourceAsync);
    }

    private static async Task CreateAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var catalog = call.Element("catalogData") is { } input ? PublicCatalogOperations.Read(input) : null;
        var repository = await call.Service<RepositoryService>().CreateAsync(name, RepositorySettings.Default, RepositoryOperations.ReadTags(call.Element("tags")), call.Aborted).ConfigureAwait(false);
        if (catalog is not null)
        {
            await call.Service<PublicRegistryService>().PutCatalogDataAsync(call.Registry.AccountId, name, catalog, call.Aborted).ConfigureAwait(false);
        }

        await call.RespondAsync(json =>
        {
            json.WritePropertyName("repository");
            WriteRepository(json, call, repository);
            json.WritePropertyName("catalogData");
            PublicCatalogOperations.Write(json, call, name, catalog ?? RepositoryCatalogData.Empty);
        }).ConfigureAwait(false);
    }

    private static async Task DescribeAsync(EcrCall call)
    {
        var service = call.Service<RepositoryService>();
        var repositories = new List<Repository>();
        string? nextToken = null;
        if (call.Element("repositoryNames") is { } names)
        {
            if (call.Int("maxResults") is not null || call.String("nextToken") is not null)
            {
                throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter: maxResults and nextToken cannot be used with repositoryNames");
            }

            foreach (var name in names.EnumerateArray())
            {
                repositories.Add(await service.GetAsync(RepositoryName.Parse(name.GetString()!), call.Aborted).ConfigureAwait(false));
            }
        }
        else
        {
            var page = await service.ListNamesAsync(new PageRequest(call.Int("maxResults") ?? 100, NextToken.Read(call.String("nextToken"))), call.Aborted).ConfigureAwait(false);
            foreach (var name in page.Items)
            {
                if (await service.FindAsync(RepositoryName.Parse(name), call.Aborted).ConfigureAwait(false) is { } repository)
                {
                    repositories.Add(repository);
                }
            }

            nextToken = page.HasMore ? NextToken.Write(page.Items[^1]) : null;
        }

        await call.RespondAsync(json =>
        {
            json.WriteStartArray("repositories");
            foreach (var repository in repositories)
            {
                WriteRepository(json, call, repository);
            }

            json.WriteEndArray();
            if (nextToken is not null)
            {
                json.WriteString("nextToken", nextToken);
            }
        }).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(EcrCall call)
    {
        var repository = await call.Service<RepositoryService>().DeleteAsync(call.RepositoryName(), call.Bool("force") ?? false, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WritePropertyName("repository");
            WriteRepository(json, call, repository);
        }).ConfigureAwait(false);
    }

    private static async Task TagResourceAsync(EcrCall call)
    {
        await call.Service<RepositoryService>().TagAsync(RepositoryOf(call), RepositoryOperations.ReadTags(call.Element("tags")), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(_ => { }).ConfigureAwait(false);
    }

    private static async Task UntagResourceAsync(EcrCall call)
    {
        var keys = call.Element("tagKeys")!.Value.EnumerateArray().Select(k => k.GetString()!).ToList();
        await call.Service<RepositoryService>().UntagAsync(RepositoryOf(call), keys, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(_ => { }).ConfigureAwait(false);
    }

    private static async Task ListTagsForResourceAsync(EcrCall call)
    {
        var tags = await call.Service<RepositoryService>().GetTagsAsync(RepositoryOf(call), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("tags");
            foreach (var (key, value) in tags)
            {
                json.WriteStartObject();
                json.WriteString("Key", key);
                json.WriteString("Value", value);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>The repository a resourceArn names: arn:aws:ecr-public::&lt;account&gt;:repository/&lt;name&gt; of this registry.</summary>
    private static RepositoryName RepositoryOf(EcrCall call)
    {
        var arn = PublicArn.Parse(call.Input);
        if (arn is null || arn.Account != call.Registry.AccountId || !RepositoryName.TryParse(arn.Repository, out var name))
        {
            throw new RegistryException(EcrErrors.InvalidParameter, $"Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN {call.String("resourceArn")}'");
        }

        return name;
    }

    private static void WriteRepository(Utf8JsonWriter json, EcrCall call, Repository repository)
    {
        json.WriteStartObject();
        json.WriteString("repositoryArn", call.Registry.RepositoryArn(repository.Name));
        json.WriteString("registryId", call.Registry.AccountId);
        json.WriteString("repositoryName", repository.Name);
        json.WriteString("repositoryUri", call.RepositoryUri(repository.Name));
        EcrCall.WriteTimestamp(json, "createdAt", repository.CreatedAt);
        json.WriteEndObject();
    }
}
