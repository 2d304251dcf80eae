using System.Text.Json;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.AwsJson;
using Berth.Server.EcrApi;
using Berth.Server.Hosting;
using Berth.Server.Registries;

namespace Berth.Server.EcrPublicApi;

/// <summary>
/// The ECR Public control plane: <c>POST /</c> with <c>X-Amz-Target: SpencerFrontendService.&lt;Operation&gt;</c> and an
/// AWS JSON 1.1 body signed with SigV4 for service <c>ecr-public</c>, on the dispatch ECR's API uses too
/// (<see cref="AwsJsonApi"/>: body size, signature, operation, JSON, validation against the embedded
/// ecr-public/2020-10-30 model, authorization, operation), and for the operations whose shapes and rules are ECR's (the
/// layer API, PutImage, BatchDeleteImage, repository policies) the same handlers. The call's registry is the public
/// registry (<see cref="RegistryIdentity.Public"/>) of the account <c>registryId</c> (an account id or, where the model
/// allows, the registry's alias) or <c>resourceArn</c> names, else of the caller's account.
/// </summary>
internal sealed class EcrPublicApiEndpoints() : AwsJsonApi("ecr-public", CreateOperations())
{
    public const string TargetPrefix = "SpencerFrontendService.";

    /// <summary>The one region ECR Public's API is served in.</summary>
    public const string Region = "us-east-1";
    private const string ModelResource = "Berth.Server.EcrPublicApi.Model.ecr-public-2020-10-30.json.gz";

    private static readonly EcrModel Model = EcrModel.Load(ModelResource);

    /// <summary>The API, built once per process (the tests' servers share it).</summary>
    public static EcrPublicApiEndpoints Api { get; } = new();

    /// <summary>Whether the request is an ECR Public call (its target names this service).</summary>
    public static bool Accepts(HttpRequest request) => request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    /// <summary>The 23 operations of ecr-public/2020-10-30.</summary>
    internal static IReadOnlyCollection<string> OperationNames => Api.Operations.Keys.ToList();

    protected override string? OperationOf(string target) =>
        target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : null;

    protected override EcrModel ModelOf(HttpContext context) => Model;

    /// <summary>
    /// ECR Public's API exists in us-east-1 only (api.ecr-public.us-east-1.amazonaws.com). A call signed for another
    /// region is refused as that endpoint refuses a foreign credential scope: InvalidSignatureException, "Credential
    /// should be scoped to a valid region".
    /// </summary>
    protected override bool AcceptsRegion(string region) => region == Region;

    protected override async Task<RegistryIdentity> AuthorizeAsync(HttpContext context, string operation, JsonElement input, Principal principal, string region)
    {
        var cancellationToken = context.RequestAborted;
        var publicRegistries = context.RequestServices.GetRequiredService<PublicRegistryService>();
        var account = await TargetAccountAsync(publicRegistries, input, cancellationToken).ConfigureAwait(false) ?? principal.AccountId;
        var registry = RegistryIdentity.Public(account);
        RequestRegistry.Set(context, registry);
        var authorizer = context.RequestServices.GetRequiredService<IRegistryAuthorizer>();
        var conditions = RequestConditions.Of(context);
        await AuditTrail.DeniedAuthorization.AuthorizeAsync(context, authorizer, principal, registry, "ecr-public:" + operation, ResourceOf(operation, registry, RepositoryOf(input)), conditions).ConfigureAwait(false);
        if (operation == "GetAuthorizationToken")
        {
            // ECR Public's token is a service bearer token: the caller also needs sts:GetServiceBearerToken.
            await AuditTrail.DeniedAuthorization.AuthorizeAsync(context, authorizer, principal, registry, "sts:GetServiceBearerToken", "*", conditions).ConfigureAwait(false);
        }

        // The public registry exists from its account's first call on, with its default alias.
        context.Items[typeof(PublicRegistry)] = await publicRegistries.GetAsync(account, cancellationToken).ConfigureAwait(false);
        return registry;
    }

    private static Dictionary<string, Func<EcrCall, Task>> CreateOperations()
    {
        var operations = new Dictionary<string, Func<EcrCall, Task>>(StringComparer.Ordinal);
        PublicRepositoryOperations.Register(operations);
        PublicImageOperations.Register(operations);
        PublicRegistryOperations.Register(operations);
        PublicCatalogOperations.Register(operations);
        foreach (var shared in (string[])["InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "BatchCheckLayerAvailability",
            "PutImage", "BatchDeleteImage", "SetRepositoryPolicy", "GetRepositoryPolicy", "DeleteRepositoryPolicy"])
        {
            operations.Add(shared, EcrApiEndpoints.Handler(shared));
        }

        return operations;
    }

    /// <summary>
    /// The resource a call is authorized on, as the Service Authorization Reference lists ECR Public's: the
    /// repository's ARN; <c>repository/*</c> for DescribeRepositories without names; the registry's ARN for the
    /// registry catalog data; <c>*</c> for GetAuthorizationToken and DescribeRegistries.
    /// </summary>
    private static string ResourceOf(string operation, RegistryIdentity registry, string? repository) =>
        repository is not null ? registry.RepositoryArn(repository)
        : operation == "DescribeRepositories" ? registry.RepositoryArn("*")
        : operation is "GetRegistryCatalogData" or "PutRegistryCatalogData" ? registry.PublicRegistryArn
        : "*";

    /// <summary>
    /// The account whose public registry the call names: registryId (an account id, or an alias where the model
    /// allows one: RegistryNotFoundException when no registry has it), or the account of a resourceArn.
    /// </summary>
    private static async ValueTask<string?> TargetAccountAsync(PublicRegistryService registries, JsonElement input, CancellationToken cancellationToken)
    {
        if (input.TryGetProperty("registryId", out var id) && id.ValueKind == JsonValueKind.String)
        {
            var value = id.GetString()!;
            if (RegistryIdentity.IsValidAccountId(value))
            {
                return value;
            }

            return (await registries.FindByAliasAsync(value, cancellationToken).ConfigureAwait(false))?.AccountId
                ?? throw new RegistryException(PublicErrors.RegistryNotFound, $"The registry with id '{value}' does not exist");
        }

        return PublicArn.Parse(input) is { } arn ? arn.Account : null;
    }

    private static string? RepositoryOf(JsonElement input) =>
        input.TryGetProperty("repositoryName", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : PublicArn.Parse(input)?.Repository;
}
