using System.Text.Json.Nodes;
using Berth.Core.Credentials;

namespace Berth.Server.AuditTrail;

/// <summary>
/// What one request contributes to the audit trail, filled in by the face that serves it as it learns things (the
/// operation, then the caller, the registry, the parameters, the outcome) and kept in the request's features. A request
/// without a record (health checks, unknown routes, calls whose signature failed: no account to file them under) is not
/// recorded. <see cref="AuditTrailMiddleware"/> hands it to <see cref="AuditTrailWriter"/> when the response is done.
/// </summary>
internal sealed class AuditRecord
{
    private AuditRecord(string eventSource, string eventName, bool readOnly)
    {
        EventSource = eventSource;
        EventName = eventName;
        ReadOnly = readOnly;
    }

    public string EventSource { get; }

    public string EventName { get; }

    public bool ReadOnly { get; }

    public DateTimeOffset EventTime { get; private set; }

    public Principal? Principal { get; set; }

    /// <summary>The account and region the call acted on; the caller's account and the signing region when unset.</summary>
    public string? AccountId { get; set; }

    public string? Region { get; set; }

    public JsonObject? RequestParameters { get; set; }

    /// <summary>The response body of a write call (AWS JSON), parsed only when the event is built.</summary>
    public ReadOnlyMemory<byte> ResponseBody { get; set; }

    public string? ResourceType { get; set; }

    public string? ResourceName { get; set; }

    public string? ResourceArn { get; set; }

    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    public string? RequestId { get; set; }

    /// <summary>What an AccessDenied was decided on (action, resource, request keys), for <c>berth explain</c>.</summary>
    public DeniedAuthorization? Denied { get; set; }

    public string? SourceIpAddress { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>Starts the request's record; the clock reading is the event's time.</summary>
    public static AuditRecord Begin(HttpContext context, string eventSource, string eventName, bool readOnly, DateTimeOffset now)
    {
        var record = new AuditRecord(eventSource, eventName, readOnly) { EventTime = now };
        context.Features.Set(record);
        return record;
    }

    /// <summary>The request's record, or null when the request is not audited.</summary>
    public static AuditRecord? Of(HttpContext context) => context.Features.Get<AuditRecord>();

    /// <summary>Records the error the client was answered with (the first one: a later writer does not overwrite it).</summary>
    public void Fail(string code, string message)
    {
        ErrorCode ??= code;
        ErrorMessage ??= message;
    }
}
