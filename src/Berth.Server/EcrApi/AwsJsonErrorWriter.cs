using System.Text.Json;

namespace Berth.Server.EcrApi;

/// <summary>Writes the AWS JSON 1.1 error body, <c>{"__type":"…Exception","message":"…"}</c>.</summary>
internal static class AwsJsonErrorWriter
{
    public static Task WriteAsync(HttpContext context, int status, string type, string message) =>
        WriteAsync(context, status, type, message, null);

    /// <summary>Writes an error whose shape has members besides the message (InvalidLayerPartException).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string type, string message, Action<Utf8JsonWriter>? members)
    {
        AuditTrail.AuditRecord.Of(context)?.Fail(type, message);
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        response.StatusCode = status;
        response.ContentType = EcrApiEndpoints.ContentType;
        response.Headers["x-amzn-ErrorType"] = type;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("__type", type);
            json.WriteString("message", message);
            members?.Invoke(json);
            json.WriteEndObject();
        }

        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
