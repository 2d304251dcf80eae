using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;

namespace Berth.Server.AwsQuery;

/// <summary>One authenticated, validated Query-protocol call: its input, caller and response writer.</summary>
internal sealed class QueryCall(HttpContext context, QueryModel model, QueryOperation operation, QueryInput input, Principal principal, string requestId)
{
    public HttpContext Context => context;

    public QueryInput Input => input;

    public Principal Principal => principal;

    public CancellationToken Aborted => context.RequestAborted;

    public T Service<T>()
        where T : notnull => context.RequestServices.GetRequiredService<T>();

    /// <summary>
    /// Throws AccessDenied unless the caller's policies allow <paramref name="action"/> on the resource; a denial is
    /// recorded for <c>berth explain</c> (<see cref="AuditTrail.DeniedAuthorization"/>).
    /// </summary>
    public ValueTask AuthorizeAsync(string action, string resourceArn) =>
        AuditTrail.DeniedAuthorization.AuthorizeIamAsync(context, Service<IamAuthorization>(), principal, action, resourceArn, RequestContext());

    /// <summary>The condition keys of the request itself: aws:SourceIp and aws:SecureTransport.</summary>
    public RequestContext RequestContext() => Authentication.RequestConditions.Of(context);

    /// <summary>Writes the 200 response; <paramref name="output"/> holds the output shape's members (null when it has none).</summary>
    public async Task RespondAsync(QueryOutput? output = null)
    {
        var body = QueryXmlWriter.Write(model, operation, output, requestId);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/xml";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
