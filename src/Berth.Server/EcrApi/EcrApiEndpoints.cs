using System.Buffers;
using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.Hosting;

namespace Berth.Server.EcrApi;

/// <summary>
/// The ECR control plane: <c>POST /</c> with <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.&lt;Operation&gt;</c>
/// and an AWS JSON 1.1 body, signed with SigV4 for service <c>ecr</c>. Order of checks, as AWS: body size, signature,
/// operation, JSON, model validation, then the operation. Every response carries <c>x-amzn-RequestId</c>.
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
        app.MapPost("/", context => AwsQuery.AwsQueryEndpoint.Accepts(context.Request) ? AwsQuery.AwsQueryEndpoint.HandleAsync(context) : HandleAsync(context))
            .WithName("EcrApi");
        return app;
    }

    private static Dictionary<string, Func<EcrCall, Task>> CreateOperations()
    {
        var operations = new Dictionary<string, Func<EcrCall, Task>>(StringComparer.Ordinal);
        RepositoryOperations.Register(operations);
        AuthorizationOperations.Register(operations);
        LayerOperations.Register(operations);
        ImageOperations.Register(operations);
        RegistryOperations.Register(operations);
        TemplateOperations.Register(operations);
        return operations;
    }

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
        var (principal, error) = await authenticator.AuthenticateAsync(context, body, "ecr", cancellationToken).ConfigureAwait(false);
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
        var call = new EcrCall(context, document.RootElement, principal!, context.RequestServices.GetRequiredService<RegistryIdentity>());
        await handler(call).ConfigureAwait(false);
    }

    private static JsonDocument ParseJson(ReadOnlyMemory<byte> body)
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
