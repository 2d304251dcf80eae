using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;
using Berth.Core.Registries;

namespace Berth.Server.AuditTrail;

/// <summary>
/// What an AccessDenied was decided on, kept with the request's audit record so that <c>berth explain REQUEST-ID</c>
/// and the console's simulator can run the same decision again: the action, the resource and the request's own
/// condition keys (aws:SourceIp, aws:SecureTransport; the principal's keys and resource tags are derived again from
/// the principal and the store). Written into the CloudTrail event as
/// <c>additionalEventData.authorization</c> (only for denied calls). Every face records its denials: the ECR API,
/// <c>/v2/</c> and ECR Public's API through <see cref="AuthorizeAsync"/> (the registry authorizer); IAM, STS, CloudTrail
/// and Secrets Manager through <see cref="AuthorizeIamAsync"/>; AssumeRole with <see cref="Record"/> around its trust decision.
/// </summary>
internal sealed record DeniedAuthorization(string Action, string Resource, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Context)
{
    /// <summary>Authorizes as <see cref="IRegistryAuthorizer.AuthorizeAsync"/>; a denial is recorded on the request's audit record, then rethrown.</summary>
    public static async ValueTask AuthorizeAsync(
        HttpContext http, IRegistryAuthorizer authorizer, Principal principal, RegistryIdentity registry, string action, string resource, RequestContext conditions)
    {
        try
        {
            await authorizer.AuthorizeAsync(principal, registry, action, resource, conditions, http.RequestAborted).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error == EcrErrors.AccessDenied)
        {
            Record(http, action, resource, conditions);
            throw;
        }
    }

    /// <summary>
    /// Authorizes as <see cref="IamAuthorization.AuthorizeAsync"/> (IAM, STS, CloudTrail, Secrets Manager: identity
    /// policies only); an AccessDenied is recorded on the request's audit record, then rethrown.
    /// </summary>
    public static async ValueTask AuthorizeIamAsync(
        HttpContext http, IamAuthorization iam, Principal principal, string action, string resource, RequestContext conditions)
    {
        try
        {
            await iam.AuthorizeAsync(principal, action, resource, conditions, http.RequestAborted).ConfigureAwait(false);
        }
        catch (IamException e) when (e.Code == "AccessDenied")
        {
            Record(http, action, resource, conditions);
            throw;
        }
    }

    /// <summary>Records on the request's audit record (when it has one) that <paramref name="action"/> on <paramref name="resource"/> was denied; the first denial of a request is kept.</summary>
    public static void Record(HttpContext http, string action, string resource, RequestContext conditions)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(conditions);
        if (AuditRecord.Of(http) is { } record)
        {
            record.Denied ??= new DeniedAuthorization(action, resource, [.. conditions.Keys.Order(StringComparer.Ordinal)
                .Select(k => KeyValuePair.Create(k, conditions.Find(k)!))]);
        }
    }

    /// <summary>The request context this was decided on.</summary>
    public RequestContext ToRequestContext()
    {
        var context = new RequestContext();
        foreach (var (key, values) in Context)
        {
            context.Set(key, [.. values]);
        }

        return context;
    }
}
