using Berth.Server.EcrApi;
using Berth.Server.EcrPublicApi;
using Berth.Server.Hosting;
using Berth.Server.OciDistribution;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Server.Telemetry;

/// <summary>
/// The API face (<c>v2</c>, <c>v2-public</c>, <c>ecr</c>, <c>ecr-public</c>, <c>iam</c>, <c>sts</c>,
/// <c>layer-download</c>, <c>token</c>, <c>logo</c>, <c>health</c>, <c>none</c>) and operation of a request, added as the
/// tags <c>berth.api</c> and <c>berth.operation</c> to ASP.NET Core's <c>http.server.request.duration</c> histogram.
/// Both come from closed sets (operations of the served models, OCI resources and methods), never from a repository
/// name, so the number of series stays bounded whatever clients send. Decided from the request before it runs, since
/// the exception handler clears the endpoint; the Query protocol's Action, inside the body, is set by its endpoint.
/// </summary>
internal sealed class RequestTelemetry
{
    private RequestTelemetry(string api, string operation)
    {
        Api = api;
        Operation = operation;
    }

    public string Api { get; }

    public string Operation { get; private set; }

    /// <summary>Records the Query-protocol operation (IAM, STS) once the endpoint validated it against its model.</summary>
    public static void SetOperation(HttpContext context, string operation)
    {
        if (context.Features.Get<RequestTelemetry>() is { } telemetry)
        {
            telemetry.Operation = operation;
        }
    }

    /// <summary>Tags every request's duration metric with its API face and operation.</summary>
    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var telemetry = Classify(context);
        context.Features.Set(telemetry);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (context.Features.Get<IHttpMetricsTagsFeature>() is { MetricsDisabled: false } tags)
            {
                tags.Tags.Add(new("berth.api", telemetry.Api));
                tags.Tags.Add(new("berth.operation", telemetry.Operation));
            }
        }
    });

    internal static RequestTelemetry Classify(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        if (path == "/v2" || path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            var isPublic = Listener.Of(context) is { Face: ListenerFace.Public }
                || context.RequestServices.GetRequiredService<Registries.RegistryAddresses>().IsPublicHost(request);
            var route = OciRoute.Parse(path.Length <= 4 ? string.Empty : path[4..]);
            var operation = route is null ? "unknown" : $"{ResourceName(route.Resource)}.{MethodName(request.Method)}";
            return new(isPublic ? "v2-public" : "v2", operation);
        }

        if (path == "/" && HttpMethods.IsPost(request.Method))
        {
            var target = request.Headers["X-Amz-Target"].ToString();
            if (target.StartsWith(EcrModel.TargetPrefix, StringComparison.Ordinal))
            {
                return new("ecr", Known(target[EcrModel.TargetPrefix.Length..], EcrApiEndpoints.Operations));
            }

            if (target.StartsWith(EcrPublicApiEndpoints.TargetPrefix, StringComparison.Ordinal))
            {
                return new("ecr-public", Known(target[EcrPublicApiEndpoints.TargetPrefix.Length..], EcrPublicApiEndpoints.Api.Operations));
            }

            var (_, service) = AwsQuery.CredentialScope.Read(request);
            return new(service is "iam" or "sts" ? service : "unknown", "unknown");
        }

        return path switch
        {
            _ when path.StartsWith(LayerDownloadEndpoint.PathPrefix, StringComparison.Ordinal) => new("layer-download", MethodName(request.Method)),
            "/token" => new("token", MethodName(request.Method)),
            _ when path.StartsWith("/logos/", StringComparison.Ordinal) => new("logo", MethodName(request.Method)),
            "/healthz" or "/readyz" => new("health", path[1..]),
            "/metrics" => new("metrics", "scrape"),
            _ => new("none", "none"),
        };
    }

    private static string Known<T>(string operation, IReadOnlyDictionary<string, T> served) => served.ContainsKey(operation) ? operation : "unknown";

    private static string ResourceName(OciResource resource) => resource switch
    {
        OciResource.Base => "base",
        OciResource.Catalog => "catalog",
        OciResource.Tags => "tags",
        OciResource.Manifest => "manifest",
        OciResource.Blob => "blob",
        OciResource.Uploads => "uploads",
        OciResource.Upload => "upload",
        OciResource.Referrers => "referrers",
        _ => "unknown",
    };

    private static string MethodName(string method) => method switch
    {
        "GET" => "get",
        "HEAD" => "head",
        "POST" => "post",
        "PUT" => "put",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "other",
    };
}
