using System.Text.Json;
using Berth.Core.Content;
using Berth.Server.AuditTrail;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.EcrApi;
using Berth.Server.Hosting;

namespace Berth.Server.AwsJson;

/// <summary>
/// An AWS JSON 1.1 API on <c>POST /</c> (ECR's and ECR Public's): <c>X-Amz-Target: &lt;prefix&gt;.&lt;Operation&gt;</c>, a
/// JSON body signed with SigV4 for the API's signing name. Order of checks, as AWS: body size, signature, operation,
/// JSON, validation against the API's botocore model, then the API's own registry resolution and authorization
/// (<see cref="AuthorizeAsync"/>), then the operation. Every response carries <c>x-amzn-RequestId</c>; a
/// <see cref="RegistryException"/> becomes the JSON error AWS sends.
/// </summary>
internal abstract class AwsJsonApi(string signingName, IReadOnlyDictionary<string, Func<EcrCall, Task>> operations)
{
    public const string ContentType = "application/x-amz-json-1.1";
    private const int MaxBodyBytes = 1024 * 1024;

    // UploadLayerPart carries up to 10 MiB base64-encoded inside JSON (4 characters per 3 bytes), plus room for the
    // other members; a larger body is refused while it is read, before it is buffered.
    private const int MaxLayerPartBodyBytes = (int)((Core.Layers.LayerUploadService.MaximumPartBytes + 2) / 3 * 4) + 64 * 1024;

    /// <summary>The operations this API serves, by name.</summary>
    public IReadOnlyDictionary<string, Func<EcrCall, Task>> Operations => operations;

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers["x-amzn-RequestId"] = context.TraceIdentifier;
        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (RegistryException e)
        {
            await AwsJsonErrorWriter.WriteAsync(context, e.Error.HttpStatus >= 500 || e.Error.HttpStatus == 413 ? e.Error.HttpStatus : 400, e.Error.EcrException, e.Message).ConfigureAwait(false);
        }
    }

    /// <summary>The operation an X-Amz-Target names, or null when it is not this API's target.</summary>
    protected abstract string? OperationOf(string target);

    /// <summary>Whether the API answers a request signed for <paramref name="region"/> (a SigV4 scope check).</summary>
    protected virtual bool AcceptsRegion(string region) => RegistryIdentity.IsValidRegion(region);

    /// <summary>The botocore model requests are validated against.</summary>
    protected abstract EcrModel ModelOf(HttpContext context);

    /// <summary>
    /// Resolves the registry the validated call acts on, records it (<see cref="Registries.RequestRegistry"/>) and
    /// authorizes the caller on it (throwing when refused); returns the registry.
    /// </summary>
    protected abstract Task<RegistryIdentity> AuthorizeAsync(HttpContext context, string operation, JsonElement input, Principal principal, string region);

    private async Task DispatchAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var operation = OperationOf(context.Request.Headers["X-Amz-Target"].ToString());
        var audit = operation is not null && operations.ContainsKey(operation) ? AuditedCalls.Begin(context, signingName, operation) : null;
        var limit = operation == "UploadLayerPart" ? MaxLayerPartBodyBytes : MaxBodyBytes;
        var body = await BoundedBody.ReadAsync(
            context.Request, limit, () => new RegistryException(EcrApiErrors.TooLarge, $"The request body exceeds the {limit} byte limit"), cancellationToken).ConfigureAwait(false);

        var authenticator = context.RequestServices.GetRequiredService<SigV4Authenticator>();
        var (principal, region, error) = await authenticator.AuthenticateAsync(context, body, signingName, AcceptsRegion, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            // The message may echo the Authorization header, as AWS's does; it is never logged.
            await AwsJsonErrorWriter.WriteAsync(context, Core.SigV4.SigV4Error.HttpStatus, error.Code, error.Message).ConfigureAwait(false);
            return;
        }

        if (audit is not null)
        {
            (audit.Principal, audit.Region) = (principal, region);
        }

        var model = ModelOf(context);
        var shape = operation is null ? null : model.InputShape(operation);
        if (shape is null || !operations.TryGetValue(operation!, out var handler))
        {
            throw new RegistryException(EcrApiErrors.UnknownOperation, operation is null ? "Missing or unknown X-Amz-Target" : $"Operation {operation} is not supported by this registry");
        }

        using var document = ParseJson(body);
        model.Validate(shape, document.RootElement);
        var input = document.RootElement;
        AuditedCalls.SetJsonParameters(audit, input);
        var registry = await AuthorizeAsync(context, operation!, input, principal!, region!).ConfigureAwait(false);
        await handler(new EcrCall(context, input, principal!, registry)).ConfigureAwait(false);
    }

    private static JsonDocument ParseJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            var document = WellFormedJson.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new RegistryException(EcrApiErrors.Serialization, "The request body must be a JSON object");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new RegistryException(EcrApiErrors.Serialization, $"The request body is not valid JSON: {e.Message}");
        }
    }
}
