namespace Berth.Server.AuditTrail;

/// <summary>
/// Hands each audited request's record (<see cref="AuditRecord"/>) to <see cref="AuditTrailWriter"/> once the
/// response is done, with what only the end of the request knows: the request id it was answered with, the caller's
/// address and user agent, and a server error (500/503) that no face recorded. Placed outside the exception handler so
/// it sees the answer the client got.
/// </summary>
internal static class AuditTrailMiddleware
{
    public static IApplicationBuilder UseAuditTrail(this IApplicationBuilder app)
    {
        var writer = app.ApplicationServices.GetService<AuditTrailWriter>();
        if (writer is null)
        {
            // Berth:AuditTrail:Enabled is false.
            return app;
        }

        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                if (AuditRecord.Of(context) is { Principal: not null } record)
                {
                    Complete(context, record);
                    writer.Enqueue(record);
                }
            }
        });
    }

    private static void Complete(HttpContext context, AuditRecord record)
    {
        AuditedCalls.SetRegistry(context, record);
        record.RequestId ??= context.Response.Headers["x-amzn-RequestId"].ToString() is { Length: > 0 } id ? id : context.TraceIdentifier;
        record.SourceIpAddress = context.Connection.RemoteIpAddress?.ToString();
        record.UserAgent = context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, 1024)] : null;
        if (context.Response.StatusCode >= 500)
        {
            record.Fail(context.Response.StatusCode == 503 ? "ServiceUnavailableException" : "InternalFailure", "The request failed on the server.");
        }
    }
}
