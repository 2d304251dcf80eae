using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.PublicRegistries;
using Berth.Core.Repositories;
using Berth.Server.EcrApi;

namespace Berth.Server.EcrPublicApi;

/// <summary>
/// ECR Public's repository operations: CreateRepository (with its catalog data), and with this Repository shape and
/// ARNs the ones ECR's API shares (<see cref="RepositoryHandlers"/>): DescribeRepositories, DeleteRepository,
/// TagResource, UntagResource, ListTagsForResource. A public repository has none of ECR's settings
/// (tag mutability, scanning, encryption): its Repository shape is ARN, registry id, name, URI and creation time.
/// See https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_Operations.html
/// </summary>
internal static class PublicRepositoryOperations
{
    private static readonly RepositoryHandlers Shared = new(WriteRepository, RepositoryOf);

    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("CreateRepository", CreateAsync);
        Shared.Register(operations);
    }

    private static async Task CreateAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var catalog = call.Element("catalogData") is { } input ? PublicCatalogOperations.Read(input) : null;
        var repository = await call.Service<RepositoryService>().CreateAsync(name, RepositorySettings.Default, RepositoryHandlers.ReadTags(call.Element("tags")), call.Aborted).ConfigureAwait(false);
        if (catalog is not null)
        {
            await call.Service<PublicRegistryService>().PutCatalogDataAsync(call.Registry.AccountId, name, catalog, call.Aborted).ConfigureAwait(false);
        }

        await Shared.RespondWithRepositoryAsync(call, repository, json =>
        {
            json.WritePropertyName("catalogData");
            PublicCatalogOperations.Write(json, call, name, catalog ?? RepositoryCatalogData.Empty);
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
