using Berth.Server.AwsJson;
using Berth.Server.EcrPublicApi;
using Berth.Server.Hosting;

namespace Berth.Server.EcrApi;

/// <summary>
/// Maps the AWS APIs on <c>POST /</c>: the Query protocol (IAM, STS), ECR Public's JSON API (told apart by its
/// X-Amz-Target prefix) and ECR's (<see cref="EcrJsonApi"/>), and holds ECR's operation groups.
/// </summary>
internal static class EcrApiEndpoints
{
    public const string ContentType = AwsJsonApi.ContentType;

    // Built once per process: several applications (the tests' servers) map the API in one process.
    private static readonly EcrJsonApi Api = new(CreateOperations());

    /// <summary>The ECR operations served, by name.</summary>
    public static IReadOnlyDictionary<string, Func<EcrCall, Task>> Operations => Api.Operations;

    public static IEndpointRouteBuilder MapEcrApi(this IEndpointRouteBuilder app)
    {
        // One route for the AWS APIs on POST /: a form without X-Amz-Target is the Query protocol (IAM, STS).
        app.MapPost("/", context =>
                AwsQuery.AwsQueryEndpoint.Accepts(context.Request) ? AwsQuery.AwsQueryEndpoint.HandleAsync(context)
                : EcrPublicApiEndpoints.Accepts(context.Request) ? EcrPublicApiEndpoints.Api.HandleAsync(context)
                : CloudTrailApi.CloudTrailApiEndpoints.Accepts(context.Request) ? CloudTrailApi.CloudTrailApiEndpoints.Api.HandleAsync(context)
                : SecretsManagerApi.SecretsManagerApiEndpoint.Accepts(context.Request) ? SecretsManagerApi.SecretsManagerApiEndpoint.Api.HandleAsync(context)
                : Api.HandleAsync(context))
            .WithName("EcrApi")
            .WithMetadata(new UnexpectedErrorFace(WriteUnexpectedAsync));
        return app;
    }

    /// <summary>
    /// A failure no handler expected, in the format of the API the route chose: ECR's and ECR Public's ServerException
    /// (botocore: "These errors are usually caused by a server-side issue"), or the Query protocol's XML for IAM and STS.
    /// </summary>
    private static Task WriteUnexpectedAsync(HttpContext context, bool unavailable)
    {
        if (AwsQuery.AwsQueryEndpoint.Accepts(context.Request))
        {
            return AwsQuery.AwsQueryEndpoint.WriteUnexpectedAsync(context, unavailable);
        }

        // The exception handler cleared the headers the API had set.
        context.Response.Headers["x-amzn-RequestId"] = context.TraceIdentifier;
        if (SecretsManagerApi.SecretsManagerApiEndpoint.Accepts(context.Request))
        {
            // Secrets Manager's fault is InternalServiceError (botocore secretsmanager/2017-10-17).
            return AwsJsonErrorWriter.WriteAsync(context, 500, "InternalServiceError", "An internal error occurred.");
        }

        return unavailable ? AwsJsonErrorWriter.WriteAsync(context, 503, "ServiceUnavailableException", "A storage backend is unavailable; retry the request.")
        : AwsJsonErrorWriter.WriteAsync(context, 500, EcrApiErrors.Server.EcrException, "An internal error occurred.");
    }

    /// <summary>An ECR operation's handler, for ECR Public operations whose shapes and behaviour are ECR's.</summary>
    public static Func<EcrCall, Task> Handler(string operation) => Api.Operations[operation];

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
        LifecycleOperations.Register(operations);
        StorageClassOperations.Register(operations);
        ReplicationOperations.Register(operations);
        ScanningOperations.Register(operations);
        PullThroughCacheOperations.Register(operations);
        return operations;
    }
}
