using System.Text;
using Berth.Core.Credentials;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Server.EcrApi;

namespace Berth.Server.EcrPublicApi;

/// <summary>
/// The registry-level operations of ECR Public: GetAuthorizationToken (the password of <c>aws ecr-public
/// get-login-password</c>, valid for 12 hours on the public registries' /token and /v2/), DescribeRegistries (the
/// caller's public registry with its default alias), GetRegistryCatalogData and PutRegistryCatalogData (displayName).
/// </summary>
internal static class PublicRegistryOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("GetAuthorizationToken", GetAuthorizationTokenAsync);
        operations.Add("DescribeRegistries", DescribeRegistriesAsync);
        operations.Add("GetRegistryCatalogData", GetRegistryCatalogDataAsync);
        operations.Add("PutRegistryCatalogData", PutRegistryCatalogDataAsync);
    }

    private static async Task GetAuthorizationTokenAsync(EcrCall call)
    {
        var (token, expiresAt) = await call.Service<RegistryTokenService>().IssueAsync(call.Principal, RegistryIdentity.PublicRegion, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteStartObject("authorizationData");
            json.WriteString("authorizationToken", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + token)));
            EcrCall.WriteTimestamp(json, "expiresAt", expiresAt);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>An account has one public registry, so there is never a second page (maxResults and nextToken are accepted).</summary>
    private static Task DescribeRegistriesAsync(EcrCall call) =>
        call.RespondAsync(json =>
        {
            var registry = call.PublicRegistry();
            json.WriteStartArray("registries");
            json.WriteStartObject();
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("registryArn", call.Registry.PublicRegistryArn);
            json.WriteString("registryUri", call.RegistryUri());
            json.WriteBoolean("verified", false);
            json.WriteStartArray("aliases");
            json.WriteStartObject();
            json.WriteString("name", registry.Alias);
            json.WriteString("status", "ACTIVE");
            json.WriteBoolean("primaryRegistryAlias", true);
            json.WriteBoolean("defaultRegistryAlias", true);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
        });

    private static Task GetRegistryCatalogDataAsync(EcrCall call) => WriteCatalogAsync(call, call.PublicRegistry());

    private static async Task PutRegistryCatalogDataAsync(EcrCall call)
    {
        var registry = call.PublicRegistry();
        if (call.String("displayName") is { } displayName)
        {
            registry = await call.Service<PublicRegistryService>().SetDisplayNameAsync(call.Registry.AccountId, displayName, call.Aborted).ConfigureAwait(false);
        }

        await WriteCatalogAsync(call, registry).ConfigureAwait(false);
    }

    private static Task WriteCatalogAsync(EcrCall call, PublicRegistry registry) =>
        call.RespondAsync(json =>
        {
            json.WriteStartObject("registryCatalogData");
            if (registry.DisplayName.Length > 0)
            {
                json.WriteString("displayName", registry.DisplayName);
            }

            json.WriteEndObject();
        });
}
