using Berth.Server.OciDistribution;
using Berth.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Berth.Server.Hosting;

/// <summary>
/// The one place an unexpected exception ends: logged once with the request id, answered 500 with no internal detail.
/// A client that went away is not a server fault and is logged at Debug. A metadata store or object store that cannot be
/// reached (or answers 5xx) answers 503 with Retry-After, which docker, skopeo and the AWS SDKs retry (distribution's UNAVAILABLE; for the ECR
/// API, ServiceUnavailableException). The format is the failed endpoint's (<see cref="UnexpectedErrorFace"/>), OCI's by default.
/// </summary>
internal static partial class UnexpectedErrorHandler
{
    public static async Task HandleAsync(HttpContext context)
    {
        var feature = context.Features.Get<IExceptionHandlerFeature>();
        var exception = feature?.Error;
        var face = feature?.Endpoint?.Metadata.GetMetadata<UnexpectedErrorFace>();
        var logger = context.RequestServices.GetRequiredService<ILogger<BerthOptions>>();
        var request = context.Request;
        if (context.RequestAborted.IsCancellationRequested)
        {
            LogClientGone(logger, request.Method, request.Path, context.TraceIdentifier);
            return;
        }

        if (StoreAvailability.IsUnavailable(exception))
        {
            Telemetry.BerthMetrics.RequestFailures.Add(1, new KeyValuePair<string, object?>("kind", "store_unavailable"));
            LogUnavailable(logger, request.Method, request.Path, context.TraceIdentifier, exception!.Message);
            context.Response.Headers.RetryAfter = "1";
            await (face is not null
                ? face.WriteAsync(context, unavailable: true)
                : OciErrorWriter.WriteAsync(context, 503, "UNAVAILABLE", "service unavailable", null)).ConfigureAwait(false);
            return;
        }

        Telemetry.BerthMetrics.RequestFailures.Add(1, new KeyValuePair<string, object?>("kind", "fault"));
        LogUnexpected(logger, exception, request.Method, request.Path, context.TraceIdentifier);
        await (face is not null
            ? face.WriteAsync(context, unavailable: false)
            : OciErrorWriter.WriteAsync(context, 500, "UNKNOWN", "internal server error", null)).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unexpected error on {Method} {Path} (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception? exception, string method, PathString path, string requestId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Storage backend unavailable on {Method} {Path} (request {RequestId}): {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, string requestId, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Client went away during {Method} {Path} (request {RequestId})")]
    private static partial void LogClientGone(ILogger logger, string method, PathString path, string requestId);
}
