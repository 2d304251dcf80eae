using System.Text.Json;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Server.EcrApi;

/// <summary>One authenticated, validated ECR API call: its input document, caller and response writer.</summary>
internal sealed class EcrCall(HttpContext context, JsonElement input, Principal principal, RegistryIdentity registry)
{
    public HttpContext Context => context;

    public JsonElement Input => input;

    public Principal Principal => principal;

    public RegistryIdentity Registry => registry;

    public CancellationToken Aborted => context.RequestAborted;

    public T Service<T>()
        where T : notnull => context.RequestServices.GetRequiredService<T>();

    /// <summary>The host[:port] clients use to reach the call's registry, for repositoryUri and proxyEndpoint.</summary>
    public string RegistryHost => Service<Registries.RegistryAddresses>().HostOf(registry, context.Request);

    public string? String(string name) =>
        input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public int? Int(string name) =>
        input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    public bool? Bool(string name) =>
        input.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    public JsonElement? Element(string name) =>
        input.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>The repositoryName member; the model already checked its grammar.</summary>
    public RepositoryName RepositoryName(string member = "repositoryName") =>
        Berth.Core.Naming.RepositoryName.TryParse(String(member), out var name)
            ? name
            : throw new RegistryException(EcrErrors.InvalidParameter, $"Invalid parameter at '{member}' failed to satisfy constraint: 'Member must not be null'");

    /// <summary>Writes a 200 response whose JSON object body the callback fills.</summary>
    public async Task RespondAsync(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        if (AuditTrail.AuditRecord.Of(context) is { ReadOnly: false } audit)
        {
            // A write call's answer is its CloudTrail responseElements (reads are recorded without theirs, as CloudTrail does).
            audit.ResponseBody = buffer.ToArray();
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EcrApiEndpoints.ContentType;
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>AWS JSON timestamps are epoch seconds, with milliseconds as the fraction.</summary>
    public static void WriteTimestamp(Utf8JsonWriter json, string name, DateTimeOffset value) =>
        json.WriteNumber(name, value.ToUnixTimeMilliseconds() / 1000.0);
}
