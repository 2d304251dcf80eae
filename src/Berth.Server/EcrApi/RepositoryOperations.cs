using System.Text;
using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Server.EcrApi;

/// <summary>
/// Repository operations: CreateRepository, DescribeRepositories, DeleteRepository, PutImageTagMutability,
/// PutImageScanningConfiguration, TagResource, UntagResource, ListTagsForResource.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Operations.html
/// </summary>
internal static class RepositoryOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("CreateRepository", CreateAsync);
        operations.Add("DescribeRepositories", DescribeAsync);
        operations.Add("DeleteRepository", DeleteAsync);
        operations.Add("PutImageTagMutability", PutImageTagMutabilityAsync);
        operations.Add("PutImageScanningConfiguration", PutImageScanningConfigurationAsync);
        operations.Add("TagResource", TagResourceAsync);
        operations.Add("UntagResource", UntagResourceAsync);
        operations.Add("ListTagsForResource", ListTagsForResourceAsync);
    }

    private static async Task CreateAsync(EcrCall call)
    {
        var (mutability, exclusions) = ReadMutability(call);
        var settings = new RepositorySettings(
            mutability ?? "MUTABLE",
            exclusions,
            call.Element("imageScanningConfiguration") is { } scanning && scanning.TryGetProperty("scanOnPush", out var scan) && scan.GetBoolean(),
            call.Element("encryptionConfiguration")?.GetProperty("encryptionType").GetString() ?? "AES256",
            call.Element("encryptionConfiguration") is { } encryption && encryption.TryGetProperty("kmsKey", out var kms) ? kms.GetString() : null);
        if (settings.EncryptionType == "AES256" && settings.KmsKey is not null)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter at 'encryptionConfiguration' failed to satisfy constraint: 'kmsKey can only be specified with KMS encryption'");
        }

        var repository = await call.Service<RepositoryService>().CreateAsync(call.RepositoryName(), settings, ReadTags(call.Element("tags")), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WritePropertyName("repository");
            WriteRepository(json, call, repository);
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
            var limit = call.Int("maxResults") ?? 100;
            var page = await service.ListNamesAsync(new PageRequest(limit, NextToken.Read(call.String("nextToken"))), call.Aborted).ConfigureAwait(false);
            foreach (var name in page.Items)
            {
                if (await TryGetAsync(service, name, call.Aborted).ConfigureAwait(false) is { } repository)
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

    private static async Task PutImageTagMutabilityAsync(EcrCall call)
    {
        var (mutability, exclusions) = ReadMutability(call);
        var repository = await call.Service<RepositoryService>().UpdateSettingsAsync(
            call.RepositoryName(), s => s with { ImageTagMutability = mutability!, MutabilityExclusions = exclusions }, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", repository.Name);
            json.WriteString("imageTagMutability", repository.Settings.ImageTagMutability);
            WriteExclusions(json, repository.Settings);
        }).ConfigureAwait(false);
    }

    private static async Task PutImageScanningConfigurationAsync(EcrCall call)
    {
        var scanOnPush = call.Element("imageScanningConfiguration")!.Value.TryGetProperty("scanOnPush", out var scan) && scan.GetBoolean();
        var repository = await call.Service<RepositoryService>().UpdateSettingsAsync(call.RepositoryName(), s => s with { ScanOnPush = scanOnPush }, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", repository.Name);
            json.WriteStartObject("imageScanningConfiguration");
            json.WriteBoolean("scanOnPush", repository.Settings.ScanOnPush);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task TagResourceAsync(EcrCall call)
    {
        await call.Service<RepositoryService>().TagAsync(RepositoryOf(call), ReadTags(call.Element("tags")), call.Aborted).ConfigureAwait(false);
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

    /// <summary>The repository a resourceArn names: arn:aws:ecr:&lt;region&gt;:&lt;account&gt;:repository/&lt;name&gt; of this registry.</summary>
    private static RepositoryName RepositoryOf(EcrCall call)
    {
        var arn = call.String("resourceArn") ?? string.Empty;
        var prefix = call.Registry.RepositoryArn(string.Empty);
        if (!arn.StartsWith(prefix, StringComparison.Ordinal) || !RepositoryName.TryParse(arn[prefix.Length..], out var name))
        {
            throw new RegistryException(EcrErrors.InvalidParameter, $"Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN {arn}'");
        }

        return name;
    }

    private static (string? Mutability, IReadOnlyList<TagMutabilityExclusion> Exclusions) ReadMutability(EcrCall call)
    {
        var mutability = call.String("imageTagMutability");
        var exclusions = call.Element("imageTagMutabilityExclusionFilters")?.EnumerateArray()
            .Select(f => new TagMutabilityExclusion(f.GetProperty("filterType").GetString()!, f.GetProperty("filter").GetString()!))
            .ToList() ?? [];
        var withExclusions = mutability is "MUTABLE_WITH_EXCLUSION" or "IMMUTABLE_WITH_EXCLUSION";
        if (exclusions.Count > 0 && !withExclusions)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'exclusion filters can only be used with MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION'");
        }

        if (exclusions.Count == 0 && withExclusions)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, $"Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: '{mutability} requires at least one exclusion filter'");
        }

        return (mutability, exclusions);
    }

    public static List<KeyValuePair<string, string>> ReadTags(JsonElement? tags) =>
        tags?.EnumerateArray().Select(t => new KeyValuePair<string, string>(t.GetProperty("Key").GetString()!, t.GetProperty("Value").GetString()!)).ToList() ?? [];

    private static async Task<Repository?> TryGetAsync(RepositoryService service, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await service.GetAsync(RepositoryName.Parse(name), cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
            // Deleted between the listing and the read.
            return null;
        }
    }

    public static void WriteRepository(Utf8JsonWriter json, EcrCall call, Repository repository)
    {
        json.WriteStartObject();
        json.WriteString("repositoryArn", call.Registry.RepositoryArn(repository.Name));
        json.WriteString("registryId", call.Registry.AccountId);
        json.WriteString("repositoryName", repository.Name);
        json.WriteString("repositoryUri", $"{call.RegistryHost}/{repository.Name}");
        EcrCall.WriteTimestamp(json, "createdAt", repository.CreatedAt);
        json.WriteString("imageTagMutability", repository.Settings.ImageTagMutability);
        WriteExclusions(json, repository.Settings);
        json.WriteStartObject("imageScanningConfiguration");
        json.WriteBoolean("scanOnPush", repository.Settings.ScanOnPush);
        json.WriteEndObject();
        json.WriteStartObject("encryptionConfiguration");
        json.WriteString("encryptionType", repository.Settings.EncryptionType);
        if (repository.Settings.KmsKey is not null)
        {
            json.WriteString("kmsKey", repository.Settings.KmsKey);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteExclusions(Utf8JsonWriter json, RepositorySettings settings)
    {
        if (settings.MutabilityExclusions.Count == 0)
        {
            return;
        }

        json.WriteStartArray("imageTagMutabilityExclusionFilters");
        foreach (var exclusion in settings.MutabilityExclusions)
        {
            json.WriteStartObject();
            json.WriteString("filterType", exclusion.FilterType);
            json.WriteString("filter", exclusion.Filter);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
