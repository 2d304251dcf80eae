using System.Text.Json;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Server.EcrApi;

/// <summary>
/// Repository creation templates: CreateRepositoryCreationTemplate, DescribeRepositoryCreationTemplates,
/// UpdateRepositoryCreationTemplate, DeleteRepositoryCreationTemplate.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
/// </summary>
internal static class TemplateOperations
{
    private const int DefaultMaxResults = 100;

    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("CreateRepositoryCreationTemplate", CreateAsync);
        operations.Add("DescribeRepositoryCreationTemplates", DescribeAsync);
        operations.Add("UpdateRepositoryCreationTemplate", UpdateAsync);
        operations.Add("DeleteRepositoryCreationTemplate", DeleteAsync);
    }

    private static async Task CreateAsync(EcrCall call)
    {
        // Members left out get ECR's repository defaults: MUTABLE tags and AES256 encryption.
        var draft = Apply(call, new RepositoryCreationTemplate(
            call.String("prefix")!, null, "AES256", null, [], "MUTABLE", [], null, null, [], null, default, default));
        var template = await call.Service<RepositoryCreationTemplateService>().CreateAsync(draft, call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, template).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(EcrCall call)
    {
        var template = await call.Service<RepositoryCreationTemplateService>()
            .UpdateAsync(call.String("prefix")!, existing => Apply(call, existing), call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, template).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(EcrCall call)
    {
        var template = await call.Service<RepositoryCreationTemplateService>().DeleteAsync(call.String("prefix")!, call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, template).ConfigureAwait(false);
    }

    private static async Task DescribeAsync(EcrCall call)
    {
        var prefixes = call.Element("prefixes")?.EnumerateArray().Select(p => p.GetString()!).ToList();
        var request = new PageRequest(call.Int("maxResults") ?? DefaultMaxResults, NextToken.Read(call));
        var page = await call.Service<RepositoryCreationTemplateService>().DescribeAsync(prefixes, request, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteStartArray("repositoryCreationTemplates");
            foreach (var template in page.Items)
            {
                WriteTemplate(json, template);
            }

            json.WriteEndArray();
            if (page.HasMore)
            {
                json.WriteString("nextToken", NextToken.Write(call, page.Items[^1].Prefix));
            }
        }).ConfigureAwait(false);
    }

    /// <summary>The template with every member the request carries replacing the one of <paramref name="template"/>.</summary>
    private static RepositoryCreationTemplate Apply(EcrCall call, RepositoryCreationTemplate template)
    {
        if (call.Element("encryptionConfiguration") is { } encryption)
        {
            template = template with
            {
                EncryptionType = encryption.GetProperty("encryptionType").GetString()!,
                KmsKey = encryption.TryGetProperty("kmsKey", out var kms) && kms.ValueKind == JsonValueKind.String ? kms.GetString() : null,
            };
        }

        if (call.Element("imageTagMutabilityExclusionFilters") is { } filters)
        {
            template = template with
            {
                MutabilityExclusions = filters.EnumerateArray()
                    .Select(f => new TagMutabilityExclusion(f.GetProperty("filterType").GetString()!, f.GetProperty("filter").GetString()!)).ToList(),
            };
        }
        else if (call.String("imageTagMutability") is "MUTABLE" or "IMMUTABLE")
        {
            // Moving to a mutability without exclusions drops the filters of the previous one.
            template = template with { MutabilityExclusions = [] };
        }

        return template with
        {
            Description = call.String("description") ?? template.Description,
            ResourceTags = call.Element("resourceTags") is { } tags ? RepositoryHandlers.ReadTags(tags) : template.ResourceTags,
            ImageTagMutability = call.String("imageTagMutability") ?? template.ImageTagMutability,
            RepositoryPolicy = call.String("repositoryPolicy") ?? template.RepositoryPolicy,
            LifecyclePolicy = call.String("lifecyclePolicy") ?? template.LifecyclePolicy,
            AppliedFor = call.Element("appliedFor") is { } applied ? applied.EnumerateArray().Select(a => a.GetString()!).ToList() : template.AppliedFor,
            CustomRoleArn = call.String("customRoleArn") ?? template.CustomRoleArn,
        };
    }

    private static Task RespondAsync(EcrCall call, RepositoryCreationTemplate template) =>
        call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WritePropertyName("repositoryCreationTemplate");
            WriteTemplate(json, template);
        });

    private static void WriteTemplate(Utf8JsonWriter json, RepositoryCreationTemplate template)
    {
        json.WriteStartObject();
        json.WriteString("prefix", template.Prefix);
        WriteIfSet(json, "description", template.Description);
        json.WriteStartObject("encryptionConfiguration");
        json.WriteString("encryptionType", template.EncryptionType);
        WriteIfSet(json, "kmsKey", template.KmsKey);
        json.WriteEndObject();
        json.WriteStartArray("resourceTags");
        foreach (var (key, value) in template.ResourceTags)
        {
            json.WriteStartObject();
            json.WriteString("Key", key);
            json.WriteString("Value", value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("imageTagMutability", template.ImageTagMutability);
        if (template.MutabilityExclusions.Count > 0)
        {
            json.WriteStartArray("imageTagMutabilityExclusionFilters");
            foreach (var exclusion in template.MutabilityExclusions)
            {
                json.WriteStartObject();
                json.WriteString("filterType", exclusion.FilterType);
                json.WriteString("filter", exclusion.Filter);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        WriteIfSet(json, "repositoryPolicy", template.RepositoryPolicy);
        WriteIfSet(json, "lifecyclePolicy", template.LifecyclePolicy);
        json.WriteStartArray("appliedFor");
        foreach (var applied in template.AppliedFor)
        {
            json.WriteStringValue(applied);
        }

        json.WriteEndArray();
        WriteIfSet(json, "customRoleArn", template.CustomRoleArn);
        EcrCall.WriteTimestamp(json, "createdAt", template.CreatedAt);
        EcrCall.WriteTimestamp(json, "updatedAt", template.UpdatedAt);
        json.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
