using System.Text.Json;
using Berth.Core.Credentials;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.AwsJson;
using Berth.Server.Hosting;
using Berth.Server.Registries;

namespace Berth.Server.EcrApi;

/// <summary>
/// The ECR control plane: <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.&lt;Operation&gt;</c>, signed with SigV4
/// for service <c>ecr</c>, on the dispatch of <see cref="AwsJsonApi"/>. The call's registry is the account
/// <c>registryId</c> or <c>resourceArn</c> names, else the caller's, in the region of the SigV4 credential scope;
/// <see cref="IRegistryAuthorizer"/> decides whether the caller may act on it.
/// </summary>
internal sealed class EcrJsonApi(Dictionary<string, Func<EcrCall, Task>> operations) : AwsJsonApi("ecr", operations)
{
    protected override string? OperationOf(string target) =>
        target.StartsWith(EcrModel.TargetPrefix, StringComparison.Ordinal) ? target[EcrModel.TargetPrefix.Length..] : null;

    protected override EcrModel ModelOf(HttpContext context) => context.RequestServices.GetRequiredService<EcrModel>();

    protected override async Task<RegistryIdentity> AuthorizeAsync(HttpContext context, string operation, JsonElement input, Principal principal, string region)
    {
        var registry = new RegistryIdentity(TargetAccount(input) ?? principal.AccountId, region);
        RequestRegistry.Set(context, registry);
        var authorizer = context.RequestServices.GetRequiredService<IRegistryAuthorizer>();
        var conditions = RequestConditions.Of(context);
        foreach (var resource in ResourcesOf(operation, registry, input))
        {
            await AuditTrail.DeniedAuthorization.AuthorizeAsync(context, authorizer, principal, registry, "ecr:" + operation, resource, conditions).ConfigureAwait(false);
        }

        return registry;
    }

    /// <summary>
    /// The resources a call is authorized on, each in turn: its repository's ARN; each named repository's ARN for a
    /// DescribeRepositories with <c>repositoryNames</c>, and every repository (<c>repository/*</c>) without names (ECR
    /// decides that listing once, on <c>repository/*</c>: a caller allowed on some repositories only is refused, not
    /// served a filtered list); <c>*</c> for the registry-wide calls (GetAuthorizationToken, DescribeRegistry, account
    /// settings, templates, registry policies), as the Service Authorization Reference lists them.
    /// </summary>
    private static List<string> ResourcesOf(string operation, RegistryIdentity registry, JsonElement input)
    {
        if (RepositoryOf(input) is { } repository)
        {
            return [registry.RepositoryArn(repository)];
        }

        if (operation is not ("DescribeRepositories" or "BatchGetRepositoryScanningConfiguration"))
        {
            return ["*"];
        }

        return input.TryGetProperty("repositoryNames", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Select(n => registry.RepositoryArn(n.GetString()!)).ToList()
            : [registry.RepositoryArn("*")];
    }

    /// <summary>The account whose registry the call names: registryId, or the account of a repository resourceArn.</summary>
    private static string? TargetAccount(JsonElement input)
    {
        if (input.TryGetProperty("registryId", out var id) && id.ValueKind == JsonValueKind.String)
        {
            return id.GetString();
        }

        return ArnPart(input, 4);
    }

    /// <summary>The repository the call is about, for the resource of the authorization.</summary>
    private static string? RepositoryOf(JsonElement input) =>
        input.TryGetProperty("repositoryName", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : ArnPart(input, 5) is { } resource && resource.StartsWith("repository/", StringComparison.Ordinal) ? resource["repository/".Length..] : null;

    // arn:partition:ecr:region:account:repository/name; a malformed ARN is the handler's to refuse.
    private static string? ArnPart(JsonElement input, int index)
    {
        if (!input.TryGetProperty("resourceArn", out var arn) || arn.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var parts = arn.GetString()!.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && parts[2] == "ecr" && RegistryIdentity.IsValidAccountId(parts[4]) ? parts[index] : null;
    }
}
