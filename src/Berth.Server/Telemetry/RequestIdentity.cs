namespace Berth.Server.Telemetry;

/// <summary>
/// Gives every request one id: a UUID, as AWS request ids are, set as <see cref="HttpContext.TraceIdentifier"/> (which
/// every response returns as <c>x-amzn-RequestId</c> and the error handler logs) and opened as the logging scope
/// <c>RequestId</c>, so that every log line written while the request runs carries it (JSON logs: in <c>Scopes</c>).
/// ASP.NET Core's own request scope is turned off (its id is Kestrel's connection counter, not the one returned).
/// <para>
/// The UUID is version 7 (RFC 9562: a millisecond timestamp, then random bits) where AWS's are version 4 (all random):
/// the same 8-4-4-4-12 form, opaque to every client, but ids of successive requests sort by time, so the audit trail's
/// request id index (<c>audit_events_request</c>, for <c>berth explain</c>) grows at its end instead of dirtying a
/// random page per event: a third of the trail's insert cost (docs/ARCHITECTURE.md, "Audit trail").
/// </para>
/// </summary>
internal static class RequestIdentity
{
    public const string LoggerCategory = "Berth.Requests";

    public const string HeaderName = "x-amzn-RequestId";

    public static void Use(IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        app.Use(async (context, next) =>
        {
            var id = Guid.CreateVersion7().ToString("D");
            context.TraceIdentifier = id;

            // Every response names it, /v2/ included, so that an operator can find a client's request in the log; the AWS
            // faces set the header themselves, and the exception handler clears headers before writing an error.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.TryAdd(HeaderName, id);
                return Task.CompletedTask;
            });
            using (logger.BeginScope(new RequestScope(id)))
            {
                await next(context).ConfigureAwait(false);
            }
        });
    }

    /// <summary>The scope's one property; a list of pairs is what the console formatters print as named values.</summary>
    private sealed class RequestScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new("RequestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"RequestId:{requestId}";
    }
}
