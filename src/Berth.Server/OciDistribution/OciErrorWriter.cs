using System.Text.Json;
using Berth.Core.Errors;

namespace Berth.Server.OciDistribution;

/// <summary>Writes the distribution-spec error body, <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
internal static class OciErrorWriter
{
    public static Task WriteAsync(HttpContext context, RegistryException exception) =>
        WriteAsync(context, exception.Error.HttpStatus, exception.Error.Code, exception.Message, exception.Detail);

    public static async Task WriteAsync(HttpContext context, int status, string code, string message, object? detail)
    {
        AuditTrail.AuditRecord.Of(context)?.Fail(AuditTrail.AuditedCalls.OciErrorCode(code), message);
        var response = context.Response;
        if (response.HasStarted)
        {
            // Too late for a status line; cutting the connection tells the client the body is incomplete.
            context.Abort();
            return;
        }

        response.StatusCode = status;
        response.Headers[OciHeaders.ApiVersion] = OciHeaders.ApiVersionValue;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.ContentLength = 0;
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            json.WriteStartObject();
            json.WriteString("code", code);
            json.WriteString("message", message);
            if (detail is not null)
            {
                json.WritePropertyName("detail");
                JsonSerializer.Serialize(json, detail, detail.GetType(), OciJson.Options);
            }

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
