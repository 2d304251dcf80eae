using System.Buffers;
using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.Hosting;
using Berth.Server.Registries;

namespace Berth.Server.EcrApi;

/// <summary>
/// The ECR control plane: <c>POST /</c> with <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.&lt;Operation&gt;</c>
/// and an AWS JSON 1.1 body, signed with SigV4 for service <c>ecr</c>. Order of checks, as AWS: body size, signature,
/// operation, JSON, model validation, authorization, then the operation. Every response carries <c>x-amzn-RequestId</c>.
/// The call's registry is (the account <c>registryId</c> or <c>resourceArn</c> names, else the caller's; the region of
/// the SigV4 credential scope); <see cref="IRegistryAuthorizer"/> decides whether the caller may act on it.
/// </summary>
internal static partial class EcrApiEndpoints
{
    public const string ContentType = "application/x-amz-json-1.1";
    private const int MaxBodyBytes = 1024 * 1024;

    // UploadLayerPart carries up to 20 MiB base64-encoded inside JSON.
    private const int MaxLayerPartBodyBytes = 28 * 1024 * 1024;

    // Built once per process: several applications (the tests' servers) map the API in one process.
    private static readonly Dictionary<string, Func<EcrCall, Task>> Operations = CreateOperations();

    public static IEndpointRouteBuilder MapEcrApi(this IEndpointRouteBuilder app)
    {
        // One route for the AWS APIs on POST /: a form without X-Amz-Target is the Query protocol (IAM, STS).
        // ECR Public's JSON API shares the route, told apart by its X-Amz-Target prefix.
        app.MapPost("/", context =>
                AwsQuery.AwsQueryEndpoint.Accepts(context.Request) ? AwsQuery.AwsQueryEndpoint.HandleAsync(context)
                : EcrPublicApi.EcrPublicApiEndpoints.Accepts(context.Request) ? EcrPublicApi.EcrPublicApiEndpoints.HandleAsync(context)
                : HandleAsync(context))
            .WithName("EcrApi");
        return app;
    }

    private static Dictionary<string, Func<EcrCall, Task>> CreateOperations()
    {
        var operations = new Dictionary<string, Func<EcrCall, Task>>(StringComparer.Ordinal);
        RepositoryOperations.Register(operations);
        RepositoryPolicyOperations.Register(operations);
        AuthorizationOperations.Register(operations);
        LayerOperations.Register(operations);
        ImageOperations.Register(operations);
        RegistryOperations.Register(operations);
        RegistryPolicyOperations.Register(operations);
        TemplateOperations.Register(operations);
        return operations;
    }

    /// <summary>An ECR operation's handler, for ECR Public operations whose shapes and behaviour are ECR's.</summary>
    public static Func<EcrCall, Task> Handler(string operation) => Operations[operation];

    /// <summary>Adds an operation; called by each operation group's Register.</summary>
    public static void Add(this Dictionary<string, Func<EcrCall, Task>> operations, string name, Func<EcrCall, Task> handler) =>
        operations.Add(name, handler);

    private static async Task HandleAsync(HttpContext context)
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
        var operation = target.StartsWith(EcrModel.TargetPrefix, StringComparison.Ordinal) ? target[EcrModel.TargetPrefix.Length..] : null;
        var limit = operation == "UploadLayerPart" ? MaxLayerPartBodyBytes : MaxBodyBytes;
        var body = await BoundedBody.ReadAsync(
            context.Request, limit, () => new RegistryException(EcrApiErrors.TooLarge, $"The request body exceeds the {limit} byte limit"), cancellationToken).ConfigureAwait(false);

        var authenticator = context.RequestServices.GetRequiredService<SigV4Authenticator>();
        var (principal, region, error) = await authenticator.AuthenticateAsync(context, body, "ecr", cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            // The message may echo the Authorization header, as AWS's does; it is never logged.
            await AwsJsonErrorWriter.WriteAsync(context, Core.SigV4.SigV4Error.HttpStatus, error.Code, error.Message).ConfigureAwait(false);
            return;
        }

        var model = context.RequestServices.GetRequiredService<EcrModel>();
        var shape = operation is null ? null : model.InputShape(operation);
        if (shape is null || !Operations.TryGetValue(operation!, out var handler))
        {
            throw new RegistryException(EcrApiErrors.UnknownOperation, operation is null ? "Missing or unknown X-Amz-Target" : $"Operation {operation} is not supported by this registry");
        }

        using var document = ParseJson(body);
        model.Validate(shape, document.RootElement);
        var input = document.RootElement;
        var registry = new RegistryIdentity(TargetAccount(input) ?? principal!.AccountId, region!);
        RequestRegistry.Set(context, registry);
        var authorizer = context.RequestServices.GetRequiredService<IRegistryAuthorizer>();
        var conditions = RequestConditions.Of(context);
        foreach (var resource in ResourcesOf(operation!, registry, input))
        {
            await authorizer.AuthorizeAsync(principal!, registry, "ecr:" + operation, resource, conditions, cancellationToken).ConfigureAwait(false);
        }

        var call = new EcrCall(context, input, principal!, registry);
        await handler(call).ConfigureAwait(false);
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

        if (operation != "DescribeRepositories")
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

    public static JsonDocument ParseJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new RegistryException(EcrApiErrors.Serialization, "The request body must be a JSON object");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new RegistryException(EcrApiErrors.Serialization, $"The request body is not valid JSON: {e.Message}");
        }
    }
}
