using System.Text.Json;
using Berth.Core.Paging;
using Berth.Core.PullThroughCache;
using Berth.Server.PullThroughCache;

namespace Berth.Server.EcrApi;

/// <summary>
/// Pull through cache rules: CreatePullThroughCacheRule, DescribePullThroughCacheRules, UpdatePullThroughCacheRule,
/// DeletePullThroughCacheRule, ValidatePullThroughCacheRule. The pulls themselves are served on /v2/ by
/// <see cref="PullThroughCacheService"/>.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
/// </summary>
internal static class PullThroughCacheOperations
{
    private const int DefaultMaxResults = 100;

    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("CreatePullThroughCacheRule", CreateAsync);
        operations.Add("DescribePullThroughCacheRules", DescribeAsync);
        operations.Add("UpdatePullThroughCacheRule", UpdateAsync);
        operations.Add("DeletePullThroughCacheRule", DeleteAsync);
        operations.Add("ValidatePullThroughCacheRule", ValidateAsync);
    }

    private static async Task CreateAsync(EcrCall call)
    {
        var rule = await call.Service<PullThroughCacheRuleService>().CreateAsync(
            call.String("ecrRepositoryPrefix")!, call.String("upstreamRegistryUrl")!, call.String("upstreamRegistry"), call.String("credentialArn"),
            call.String("customRoleArn"), call.String("upstreamRepositoryPrefix"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("ecrRepositoryPrefix", rule.EcrRepositoryPrefix);
            json.WriteString("upstreamRegistryUrl", rule.UpstreamRegistryUrl);
            EcrCall.WriteTimestamp(json, "createdAt", rule.CreatedAt);
            json.WriteString("registryId", call.Registry.AccountId);
            WriteIfSet(json, "upstreamRegistry", rule.UpstreamRegistry);
            WriteIfSet(json, "credentialArn", rule.CredentialArn);
            WriteIfSet(json, "customRoleArn", rule.CustomRoleArn);
            json.WriteString("upstreamRepositoryPrefix", rule.UpstreamRepositoryPrefix);
        }).ConfigureAwait(false);
    }

    private static async Task DescribeAsync(EcrCall call)
    {
        var prefixes = call.Element("ecrRepositoryPrefixes")?.EnumerateArray().Select(p => p.GetString()!).ToList();
        var request = new PageRequest(call.Int("maxResults") ?? DefaultMaxResults, NextToken.Read(call));
        var page = await call.Service<PullThroughCacheRuleService>().DescribeAsync(prefixes, request, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("pullThroughCacheRules");
            foreach (var rule in page.Items)
            {
                json.WriteStartObject();
                json.WriteString("ecrRepositoryPrefix", rule.EcrRepositoryPrefix);
                json.WriteString("upstreamRegistryUrl", rule.UpstreamRegistryUrl);
                EcrCall.WriteTimestamp(json, "createdAt", rule.CreatedAt);
                json.WriteString("registryId", call.Registry.AccountId);
                WriteIfSet(json, "credentialArn", rule.CredentialArn);
                WriteIfSet(json, "customRoleArn", rule.CustomRoleArn);
                json.WriteString("upstreamRepositoryPrefix", rule.UpstreamRepositoryPrefix);
                WriteIfSet(json, "upstreamRegistry", rule.UpstreamRegistry);
                EcrCall.WriteTimestamp(json, "updatedAt", rule.UpdatedAt);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (page.HasMore)
            {
                json.WriteString("nextToken", NextToken.Write(call, page.Items[^1].EcrRepositoryPrefix));
            }
        }).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(EcrCall call)
    {
        var rule = await call.Service<PullThroughCacheRuleService>().UpdateAsync(
            call.String("ecrRepositoryPrefix")!, call.String("credentialArn"), call.String("customRoleArn"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("ecrRepositoryPrefix", rule.EcrRepositoryPrefix);
            json.WriteString("registryId", call.Registry.AccountId);
            EcrCall.WriteTimestamp(json, "updatedAt", rule.UpdatedAt);
            WriteIfSet(json, "credentialArn", rule.CredentialArn);
            WriteIfSet(json, "customRoleArn", rule.CustomRoleArn);
            json.WriteString("upstreamRepositoryPrefix", rule.UpstreamRepositoryPrefix);
        }).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(EcrCall call)
    {
        var rule = await call.Service<PullThroughCacheRuleService>().DeleteAsync(call.String("ecrRepositoryPrefix")!, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("ecrRepositoryPrefix", rule.EcrRepositoryPrefix);
            json.WriteString("upstreamRegistryUrl", rule.UpstreamRegistryUrl);
            EcrCall.WriteTimestamp(json, "createdAt", rule.CreatedAt);
            json.WriteString("registryId", call.Registry.AccountId);
            WriteIfSet(json, "credentialArn", rule.CredentialArn);
            WriteIfSet(json, "customRoleArn", rule.CustomRoleArn);
            json.WriteString("upstreamRepositoryPrefix", rule.UpstreamRepositoryPrefix);
        }).ConfigureAwait(false);
    }

    /// <summary>Reaches the upstream's /v2/ with the rule's credential, as ECR does; a failure is reported, not thrown.</summary>
    private static async Task ValidateAsync(EcrCall call)
    {
        var rules = call.Service<PullThroughCacheRuleService>();
        var rule = await rules.GetAsync(call.String("ecrRepositoryPrefix")!, call.Aborted).ConfigureAwait(false);
        var failure = await call.Service<PullThroughCacheService>().ValidateAsync(rule, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("ecrRepositoryPrefix", rule.EcrRepositoryPrefix);
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("upstreamRegistryUrl", rule.UpstreamRegistryUrl);
            WriteIfSet(json, "credentialArn", rule.CredentialArn);
            WriteIfSet(json, "customRoleArn", rule.CustomRoleArn);
            json.WriteString("upstreamRepositoryPrefix", rule.UpstreamRepositoryPrefix);
            json.WriteBoolean("isValid", failure is null);
            WriteIfSet(json, "failure", failure);
        }).ConfigureAwait(false);
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
