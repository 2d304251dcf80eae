using Berth.Core.Iam;
using Berth.Server.AuditTrail;
using Berth.Core.SigV4;
using Berth.Server.Authentication;
using Berth.Server.Hosting;
using Microsoft.AspNetCore.WebUtilities;

namespace Berth.Server.AwsQuery;

/// <summary>
/// The AWS Query protocol on <c>POST /</c> (IAM and STS): a form-encoded body with <c>Action</c> and <c>Version</c>,
/// signed with SigV4 for service <c>iam</c> (region us-east-1, as IAM is global) or <c>sts</c> (any region). The
/// credential scope names the service. Order of checks: body size, signature, repeated parameters, action and version,
/// model validation, then the operation. Every answer carries a request id; errors are XML, never logged with their secrets.
/// </summary>
internal static class AwsQueryEndpoint
{
    public const string FormContentType = "application/x-www-form-urlencoded";
    private const int MaxBodyBytes = 1024 * 1024;
    private const string IamRegion = "us-east-1";

    /// <summary>Whether a <c>POST /</c> is a Query-protocol call (a form, no X-Amz-Target) rather than AWS JSON.</summary>
    public static bool Accepts(HttpRequest request) =>
        !request.Headers.ContainsKey("X-Amz-Target")
        && request.ContentType is { } type && type.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase);

    public static async Task HandleAsync(HttpContext context)
    {
        var requestId = context.TraceIdentifier;
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var services = context.RequestServices.GetRequiredService<QueryServices>();
        var (region, signingName) = CredentialScope.Read(context.Request);
        var service = services.Find(signingName ?? "sts") ?? services.Find("sts")!;
        try
        {
            await DispatchAsync(context, service, region, requestId).ConfigureAwait(false);
        }
        catch (IamException e)
        {
            await QueryErrorWriter.WriteAsync(context, service.Model.XmlNamespace, e.HttpStatus, e.Code, e.Message, requestId).ConfigureAwait(false);
        }
    }

    private static async Task DispatchAsync(HttpContext context, QueryService service, string? region, string requestId)
    {
        var body = await BoundedBody.ReadAsync(
            context.Request, MaxBodyBytes, () => new IamException("RequestEntityTooLarge", 413, $"The request body exceeds the {MaxBodyBytes} byte limit"),
            context.RequestAborted).ConfigureAwait(false);

        var authenticator = context.RequestServices.GetRequiredService<SigV4Authenticator>();
        var expectedRegion = service.SigningName == "iam" ? IamRegion : region ?? IamRegion;
        var (principal, _, error) = await authenticator.AuthenticateAsync(
            context, body, service.SigningName, scope => scope == expectedRegion, context.RequestAborted).ConfigureAwait(false);
        if (error is not null)
        {
            var (status, code, message) = QueryStyle(error);
            await QueryErrorWriter.WriteAsync(context, service.Model.XmlNamespace, status, code, message, requestId).ConfigureAwait(false);
            return;
        }

        var parsed = QueryHelpers.ParseQuery("?" + System.Text.Encoding.UTF8.GetString(body.Span));
        if (parsed.Any(p => p.Value.Count > 1))
        {
            // A repeated name would otherwise be read as its values joined by commas (UserName=a&UserName=b as "a,b").
            // AWS's wording for this refusal is not documented; the code and text are the common error's
            // (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html, InvalidQueryParameter).
            throw new IamException("InvalidQueryParameter", 400, "The AWS query string is malformed or does not adhere to AWS standards.");
        }

        var form = parsed.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        if (!form.TryGetValue("Action", out var action) || action.Length == 0)
        {
            throw new IamException("MissingAction", 400, "Missing Action");
        }

        if (AuditedCalls.Begin(context, service.SigningName, action) is { } audit)
        {
            (audit.Principal, audit.AccountId, audit.Region) = (principal, principal!.AccountId, expectedRegion);
            AuditedCalls.SetFormParameters(audit, form);
        }

        var version = form.GetValueOrDefault("Version");
        var operation = service.Model.FindOperation(action);
        if (operation is null || version != service.Model.ApiVersion)
        {
            throw new IamException("InvalidAction", 400, $"Could not find operation {action} for version {version ?? "NO_VERSION_SPECIFIED"}");
        }

        Telemetry.RequestTelemetry.SetOperation(context, action);
        var handler = service.FindHandler(action)
            ?? throw new IamException("NotImplemented", 501, $"The {action} operation is not implemented by this server.");
        var input = service.Model.ReadInput(operation, form);
        await handler(new QueryCall(context, service.Model, operation, input, principal!, requestId)).ConfigureAwait(false);
    }

    /// <summary>
    /// A failure no handler expected, as Query XML: IAM's ServiceFailure (its model's 500) or, for STS, AWS's common
    /// InternalFailure; a storage outage is the common ServiceUnavailable (503). The texts are AWS's common-error texts.
    /// </summary>
    public static Task WriteUnexpectedAsync(HttpContext context, bool unavailable)
    {
        var services = context.RequestServices.GetRequiredService<QueryServices>();
        var (_, signingName) = CredentialScope.Read(context.Request);
        var service = services.Find(signingName ?? "sts") ?? services.Find("sts")!;
        var requestId = context.TraceIdentifier;
        var (status, code, message) = unavailable
            ? (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")
            : (500, service.SigningName == "iam" ? "ServiceFailure" : "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.");
        return QueryErrorWriter.WriteAsync(context, service.Model.XmlNamespace, status, code, message, requestId);
    }

    /// <summary>SigV4 rejections in the codes and statuses Query-protocol services (IAM, STS) answer with.</summary>
    private static (int Status, string Code, string Message) QueryStyle(SigV4Error error) => error.Code switch
    {
        SigV4Error.MissingAuthenticationTokenCode => (403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
        SigV4Error.IncompleteSignatureCode => (400, "IncompleteSignature", error.Message),
        SigV4Error.UnrecognizedClientCode => (403, "InvalidClientTokenId", error.Message),
        SigV4Error.ExpiredTokenCode => (403, "ExpiredToken", error.Message),
        _ => (403, "SignatureDoesNotMatch", error.Message),
    };
}
