using System.Security.Claims;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.Hosting;
using Berth.Server.Registries;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Berth.Server.WebConsole;

/// <summary>
/// A page behind the console sign-in. Before every handler the session's access key is looked up again (as a SigV4
/// request's is): a deactivated or deleted key, a deleted user or an expired role session ends the session at once.
/// The registry is the caller's account's, in Berth:Region, as the ECR API picks it. Each page authorizes what it
/// shows with <see cref="DeniedAsync"/>: the same action on the same resource as the API call that would show it.
/// Registry-bound services (repositories, images) are resolved with <see cref="Service{T}"/> inside handlers, never
/// injected into a page's constructor: they need the registry, which is known only once the session is.
/// </summary>
internal abstract class ConsolePageModel : PageModel
{
    public const string AccessKeyClaim = "berth:access-key-id";

    public Principal Caller { get; private set; } = null!;

    public RegistryIdentity Registry { get; private set; } = null!;

    /// <summary>AWS's AccessDenied message when the page's authorization failed; the page then shows only that.</summary>
    public string? Denial { get; private set; }

    /// <summary>The action and resource that were denied, for the link to the simulator.</summary>
    public (string Action, string Resource)? Denied { get; private set; }

    /// <summary>An error the API would have answered (RepositoryNotFoundException, ImageNotFoundException, …), shown instead of the page.</summary>
    public string? Problem { get; private set; }

    /// <summary>Shows the API's error instead of the page, with its status code.</summary>
    protected void Fail(RegistryException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Problem = $"{error.Error.EcrException}: {error.Message}";
        Response.StatusCode = error.Error.HttpStatus;
    }

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    protected T Service<T>()
        where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var principal = await SignedInAsync().ConfigureAwait(false);
        if (principal is null)
        {
            await HttpContext.SignOutAsync(ConsoleRegistration.Scheme).ConfigureAwait(false);
            var back = Request.Method == HttpMethods.Get ? (Request.Path + Request.QueryString).ToString() : "/console/repositories";
            context.Result = Redirect("/console/sign-in?returnUrl=" + Uri.EscapeDataString(back));
            return;
        }

        Caller = principal;
        Registry = new RegistryIdentity(principal.AccountId, Service<IOptions<BerthOptions>>().Value.Region);
        RequestRegistry.Set(HttpContext, Registry);
        await next().ConfigureAwait(false);
    }

    /// <summary>Null when the caller may perform <paramref name="action"/> on <paramref name="resourceArn"/>; else records and returns AWS's AccessDenied message (and the response becomes 403).</summary>
    protected async Task<string?> DeniedAsync(string action, string resourceArn)
    {
        try
        {
            await Service<IRegistryAuthorizer>().AuthorizeAsync(Caller, Registry, action, resourceArn, RequestConditions.Of(HttpContext), Aborted).ConfigureAwait(false);
            return null;
        }
        catch (RegistryException e) when (e.Error == EcrErrors.AccessDenied)
        {
            Denial = e.Message;
            Denied = (action, resourceArn);
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return e.Message;
        }
    }

    /// <summary>Whether the caller may perform the action, without recording a denial (for choosing what to offer).</summary>
    protected async Task<bool> AllowsAsync(string action, string resourceArn, RegistryIdentity? registry = null)
    {
        try
        {
            await Service<IRegistryAuthorizer>().AuthorizeAsync(Caller, registry ?? Registry, action, resourceArn, RequestConditions.Of(HttpContext), Aborted).ConfigureAwait(false);
            return true;
        }
        catch (RegistryException e) when (e.Error == EcrErrors.AccessDenied)
        {
            return false;
        }
    }

    /// <summary>The host[:port] a docker client uses for this registry (the repositoryUri's host, from the host the browser used).</summary>
    public string RegistryHost => Service<RegistryAddresses>().HostOf(Registry, Request);

    /// <summary>
    /// The registry's own host name form (<c>ACCOUNT.dkr.ecr.REGION.DOMAIN[:port]</c>, which /v2/ resolves to this
    /// registry from the Host header) when it differs from <see cref="RegistryHost"/> and the browser used a DNS name;
    /// else null (an IP address cannot carry the prefix).
    /// </summary>
    public string? RegistryHostNameForm
    {
        get
        {
            var host = RegistryHost;
            if (RegistryHostName.TryParse(host, out _, out _))
            {
                return null;
            }

            var domain = Request.Host.Value ?? "";
            return domain.Length == 0 || RegistryHostName.IsIpLiteral(domain)
                ? null : RegistryHostName.Format(Registry, domain);
        }
    }

    private async Task<Principal?> SignedInAsync()
    {
        var session = await HttpContext.AuthenticateAsync(ConsoleRegistration.Scheme).ConfigureAwait(false);
        var keyId = session.Principal?.FindFirstValue(AccessKeyClaim);
        var arn = session.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!session.Succeeded || keyId is null || arn is null)
        {
            return null;
        }

        var (owner, validUntil) = await Service<IdentityResolver>().FindKeyOwnerAsync(keyId, Aborted).ConfigureAwait(false);
        var now = Service<TimeProvider>().GetUtcNow();
        return owner is not null && owner.Arn == arn && (validUntil is null || validUntil > now) ? owner : null;
    }
}
