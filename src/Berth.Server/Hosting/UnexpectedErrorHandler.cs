using Berth.Server.OciDistribution;
using Microsoft.AspNetCore.Diagnostics;

namespace Berth.Server.Hosting;

/// <summary>
/// The one place an unexpected exception ends: logged once with the request id, answered 500 with no internal detail.
/// A client that went away is not a server fault and is logged at Debug.
/// </summary>
internal static partial class UnexpectedErrorHandler
{
    public static async Task HandleAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILogger<BerthOptions>>();
        var request = context.Request;
        if (context.RequestAborted.IsCancellationRequested)
        {
            LogClientGone(logger, request.Method, request.Path, context.TraceIdentifier);
            return;
        }

        LogUnexpected(logger, exception, request.Method, request.Path, context.TraceIdentifier);
        await OciErrorWriter.WriteAsync(context, 500, "UNKNOWN", "internal server error", null).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unexpected error on {Method} {Path} (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception? exception, string method, PathString path, string requestId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Client went away during {Method} {Path} (request {RequestId})")]
    private static partial void LogClientGone(ILogger logger, string method, PathString path, string requestId);
}
