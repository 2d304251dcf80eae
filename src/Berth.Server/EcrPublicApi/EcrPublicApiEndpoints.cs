using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.EcrApi;
using Berth.Server.Hosting;
using Berth.Server.Registries;

namespace Berth.Server.EcrPublicApi;

/// <summary>
/// The ECR Public control plane: <c>POST /</c> with <c>X-Amz-Target: SpencerFrontendService.&lt;Operation&gt;</c> and an
/// AWS JSON 1.1 body signed with SigV4 for service <c>ecr-public</c>. The same order of checks as the ECR API (body
/// size, signature, operation, JSON, model validation against the embedded ecr-public/2020-10-30 model,
/// authorization, operation), the same error writer, and for the operations whose shapes and rules are ECR's (the
/// layer API, PutImage, BatchDeleteImage, repository policies) the same handlers. The call's registry is the public
/// registry (<see cref="RegistryIdentity.Public"/>) of the account <c>registryId</c> (an account id or, where the model
/// allows, the registry's alias) or <c>resourceArn</c> names, else of the caller's account.
/// </summary>
internal static class EcrPublicApiEndpoints
{
    public const string TargetPrefix = "SpencerFrontendService.";
    private const string ModelResource = "Berth.Server.EcrPublicApi.Model.ecr-public-2020-10-30.json.gz";
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxLayerPartBodyBytes = 28 * 1024 * 1024;

    private static readonly EcrModel Model = EcrModel.Load(ModelResource);
    private static readonly Dictionary<string, Func<EcrCall, Task>> Operations = CreateOperations();

    /// <summary>Whether the request is an ECR Public call (its target names this service).</summary>
    public static bool Accepts(HttpRequest request) => request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    /// <summary>The 23 operations of ecr-public/2020-10-30.</summary>
    internal static IReadOnlyCollection<string> OperationNames => Operations.Keys;

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

    public static async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString("D");
        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (RegistryException e)
        {
            await AwsJsonErrorWriter.WriteAsync(context, e.Error.HttpStatus >= 500 || e.Error.HttpStatus == 413 ? e.Error.HttpStatus : 400, e.Error.EcrException, e.Message).ConfigureAwait(false);
        }
    }

    private static async Task DispatchAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target[TargetPrefix.Length..];
        var limit = operation == "UploadLayerPart" ? MaxLayerPartBodyBytes : MaxBodyBytes;
        var body = await BoundedBody.ReadAsync(
            context.Request, limit, () => new RegistryException(EcrApiErrors.TooLarge, $"The request body exceeds the {limit} byte limit"), cancellationToken).ConfigureAwait(false);

        var authenticator = context.RequestServices.GetRequiredService<SigV4Authenticator>();
        var (principal, _, error) = await authenticator.AuthenticateAsync(context, body, "ecr-public", cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            await AwsJsonErrorWriter.WriteAsync(context, Core.SigV4.SigV4Error.HttpStatus, error.Code, error.Message).ConfigureAwait(false);
            return;
        }

        var shape = Model.InputShape(operation);
        if (shape is null || !Operations.TryGetValue(operation, out var handler))
        {
            throw new RegistryException(EcrApiErrors.UnknownOperation, $"Operation {operation} is not supported by this registry");
        }

        using var document = EcrApiEndpoints.ParseJson(body);
        Model.Validate(shape, document.RootElement);
        var input = document.RootElement;
        var publicRegistries = context.RequestServices.GetRequiredService<PublicRegistryService>();
        var account = await TargetAccountAsync(publicRegistries, input, cancellationToken).ConfigureAwait(false) ?? principal!.AccountId;
        var registry = RegistryIdentity.Public(account);
        RequestRegistry.Set(context, registry);
        var authorizer = context.RequestServices.GetRequiredService<IRegistryAuthorizer>();
        var conditions = RequestConditions.Of(context);
        await authorizer.AuthorizeAsync(principal!, registry, "ecr-public:" + operation, ResourceOf(operation, registry, RepositoryOf(input)), conditions, cancellationToken).ConfigureAwait(false);
        if (operation == "GetAuthorizationToken")
        {
            // ECR Public's token is a service bearer token: the caller also needs sts:GetServiceBearerToken.
            await authorizer.AuthorizeAsync(principal!, registry, "sts:GetServiceBearerToken", "*", conditions, cancellationToken).ConfigureAwait(false);
        }

        // The public registry exists from its account's first call on, with its default alias.
        context.Items[typeof(PublicRegistry)] = await publicRegistries.GetAsync(account, cancellationToken).ConfigureAwait(false);
        await handler(new EcrCall(context, input, principal!, registry)).ConfigureAwait(false);
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
