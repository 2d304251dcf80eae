using System.Text;
using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Server.EcrApi;

/// <summary>
/// Repository operations: CreateRepository, PutImageTagMutability, PutImageScanningConfiguration, and with ECR's
/// Repository shape and ARNs the ones ECR Public shares (<see cref="RepositoryHandlers"/>): DescribeRepositories,
/// DeleteRepository, TagResource, UntagResource, ListTagsForResource.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Operations.html
/// </summary>
internal static class RepositoryOperations
{
    private static readonly RepositoryHandlers Shared = new(WriteRepository, RepositoryOf);

    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("CreateRepository", CreateAsync);
        operations.Add("PutImageTagMutability", PutImageTagMutabilityAsync);
        operations.Add("PutImageScanningConfiguration", PutImageScanningConfigurationAsync);
        Shared.Register(operations);
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

        var repository = await call.Service<RepositoryService>().CreateAsync(call.RepositoryName(), settings, RepositoryHandlers.ReadTags(call.Element("tags")), call.Aborted).ConfigureAwait(false);
        await Shared.RespondWithRepositoryAsync(call, repository).ConfigureAwait(false);
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

    private static void WriteRepository(Utf8JsonWriter json, EcrCall call, Repository repository)
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
        else if (repository.Settings.EncryptionType is "KMS" or "KMS_DSSE")
        {
            json.WriteString("kmsKey", call.Registry.AwsManagedEcrKeyArn);
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
