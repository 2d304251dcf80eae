using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Server.EcrApi;

/// <summary>
/// The repository operations ECR and ECR Public share word for word: DescribeRepositories, DeleteRepository,
/// TagResource, UntagResource, ListTagsForResource. Each API gives its own Repository shape and the reading of its
/// resourceArn (ECR's <c>arn:aws:ecr:&lt;region&gt;:…</c>, ECR Public's <c>arn:aws:ecr-public::…</c>).
/// </summary>
internal sealed class RepositoryHandlers(Action<Utf8JsonWriter, EcrCall, Repository> writeRepository, Func<EcrCall, RepositoryName> repositoryOfArn)
{
    public void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("DescribeRepositories", DescribeAsync);
        operations.Add("DeleteRepository", DeleteAsync);
        operations.Add("TagResource", TagResourceAsync);
        operations.Add("UntagResource", UntagResourceAsync);
        operations.Add("ListTagsForResource", ListTagsForResourceAsync);
    }

    /// <summary>The tags member (a list of Key/Value objects) of a request.</summary>
    public static List<KeyValuePair<string, string>> ReadTags(JsonElement? tags) =>
        tags?.EnumerateArray().Select(t => new KeyValuePair<string, string>(t.GetProperty("Key").GetString()!, t.GetProperty("Value").GetString()!)).ToList() ?? [];

    /// <summary>Responds <c>{"repository": …}</c> in the API's Repository shape.</summary>
    public Task RespondWithRepositoryAsync(EcrCall call, Repository repository, Action<Utf8JsonWriter>? more = null) =>
        call.RespondAsync(json =>
        {
            json.WritePropertyName("repository");
            writeRepository(json, call, repository);
            more?.Invoke(json);
        });

    private async Task DescribeAsync(EcrCall call)
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
            var page = await service.ListAsync(new PageRequest(call.Int("maxResults") ?? 100, NextToken.Read(call)), call.Aborted).ConfigureAwait(false);
            repositories.AddRange(page.Items);
            nextToken = page.HasMore ? NextToken.Write(call, page.Items[^1].Name) : null;
        }

        await call.RespondAsync(json =>
        {
            json.WriteStartArray("repositories");
            foreach (var repository in repositories)
            {
                writeRepository(json, call, repository);
            }

            json.WriteEndArray();
            if (nextToken is not null)
            {
                json.WriteString("nextToken", nextToken);
            }
        }).ConfigureAwait(false);
    }

    private async Task DeleteAsync(EcrCall call)
    {
        var repository = await call.Service<RepositoryService>().DeleteAsync(call.RepositoryName(), call.Bool("force") ?? false, call.Aborted).ConfigureAwait(false);
        await RespondWithRepositoryAsync(call, repository).ConfigureAwait(false);
    }

    private async Task TagResourceAsync(EcrCall call)
    {
        await call.Service<RepositoryService>().TagAsync(repositoryOfArn(call), ReadTags(call.Element("tags")), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(_ => { }).ConfigureAwait(false);
    }

    private async Task UntagResourceAsync(EcrCall call)
    {
        var keys = call.Element("tagKeys")!.Value.EnumerateArray().Select(k => k.GetString()!).ToList();
        await call.Service<RepositoryService>().UntagAsync(repositoryOfArn(call), keys, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(_ => { }).ConfigureAwait(false);
    }

    private async Task ListTagsForResourceAsync(EcrCall call)
    {
        var tags = await call.Service<RepositoryService>().GetTagsAsync(repositoryOfArn(call), call.Aborted).ConfigureAwait(false);
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
}
