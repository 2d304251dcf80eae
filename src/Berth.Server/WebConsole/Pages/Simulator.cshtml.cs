using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;
using Berth.Core.PolicySimulation;
using Berth.Core.AuditTrail;
using Berth.Server.AuditTrail;
using Berth.Server.Authentication;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// Explains a decision for the signed-in caller: the live authorizer's inputs (identity policies, the repository's
/// policy, the registry policy, the request's keys) through the simulator, listing every statement checked and every
/// condition with both sides' values. Authorized as iam:SimulatePrincipalPolicy on the caller itself; the statements
/// of a repository or registry policy are shown only to a caller who may read that policy. Given a request id, it
/// re-runs a refused call of the audit trail as <c>berth explain</c> does: reading the event needs
/// cloudtrail:LookupEvents (and the event must be of the caller's account), explaining it iam:SimulatePrincipalPolicy
/// on the refused caller.
/// </summary>
internal sealed class SimulatorModel(IamAuthorization iam) : ConsolePageModel
{
    public string Action { get; private set; } = EcrActions.BatchGetImage;

    public string Resource { get; private set; } = "";

    public SimulationResult? Result { get; private set; }

    public string? IamDenial { get; private set; }

    public string RequestId { get; private set; } = "";

    /// <summary>The refused call read from the audit trail, when a request id was given.</summary>
    public RecordedDenial? Recorded { get; private set; }

    /// <summary>Why the request id could not be explained.</summary>
    public string? RecordProblem { get; private set; }

    public bool MayReadRepositoryPolicy { get; private set; }

    public bool MayReadRegistryPolicy { get; private set; }

    public async Task OnGetAsync(string? action, string? resource, string? requestId)
    {
        if (!string.IsNullOrWhiteSpace(requestId))
        {
            await ExplainRecordedAsync(requestId.Trim()).ConfigureAwait(false);
            return;
        }

        Resource = string.IsNullOrWhiteSpace(resource) ? Registry.RepositoryArn("*") : resource.Trim();
        Action = string.IsNullOrWhiteSpace(action) ? EcrActions.BatchGetImage : action.Trim();
        if (!await IamAllowsAsync("iam:SimulatePrincipalPolicy", Caller.RoleArn ?? Caller.Arn).ConfigureAwait(false))
        {
            return;
        }

        if (action is null)
        {
            return;
        }

        Result = await Service<Core.Registries.IRegistryAuthorizer>().ExplainAsync(Caller, Registry, Action, Resource, RequestConditions.Of(HttpContext), Aborted).ConfigureAwait(false);
        await ReadPolicyPermissionsAsync().ConfigureAwait(false);
    }

    private async Task ExplainRecordedAsync(string requestId)
    {
        RequestId = requestId;
        if (!await IamAllowsAsync("cloudtrail:LookupEvents", "*").ConfigureAwait(false))
        {
            return;
        }

        var (denial, why) = await RecordedDenial.FindAsync(Service<IAuditTrailStore>(), requestId, Aborted).ConfigureAwait(false);
        if (denial is not null && denial.Registry.AccountId != Caller.AccountId)
        {
            // LookupEvents shows an account its own events only.
            (denial, why) = (null, $"no request with id '{requestId}' in the audit trail");
        }

        if (denial is null)
        {
            RecordProblem = why;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!await IamAllowsAsync("iam:SimulatePrincipalPolicy", denial.Principal.RoleArn ?? denial.Principal.Arn).ConfigureAwait(false))
        {
            return;
        }

        Recorded = denial;
        Action = denial.Authorization.Action;
        Resource = denial.Authorization.Resource;
        Result = await Explanation.RunAsync(HttpContext.RequestServices, denial, Aborted).ConfigureAwait(false);
        if (Result is not null)
        {
            await ReadPolicyPermissionsAsync(denial).ConfigureAwait(false);
        }
    }

    private async Task<bool> IamAllowsAsync(string action, string resource)
    {
        try
        {
            await iam.AuthorizeAsync(Caller, action, resource, RequestConditions.Of(HttpContext), Aborted).ConfigureAwait(false);
            return true;
        }
        catch (IamException e) when (e.Code == "AccessDenied")
        {
            IamDenial = e.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return false;
        }
    }

    /// <summary>
    /// Whether the caller may read the resource-side policies of the explanation, as the API that shows each does: a
    /// role's trust policy by iam:GetRole, a public repository's policy by ecr-public:GetRepositoryPolicy on the public
    /// registry, a repository's and the registry's by ecr:GetRepositoryPolicy and ecr:GetRegistryPolicy.
    /// </summary>
    private async Task ReadPolicyPermissionsAsync(RecordedDenial? recorded = null)
    {
        if (Result!.Request.ResourcePolicy is { } resourcePolicy)
        {
            MayReadRepositoryPolicy = resourcePolicy.SourceType == IamAuthorization.TrustPolicyType
                ? await IamAllowsQuietlyAsync("iam:GetRole", Resource).ConfigureAwait(false)
                : recorded?.EventSource == Explanation.EcrPublicSource
                    ? await PublicAllowsAsync("ecr-public:GetRepositoryPolicy", Resource, recorded.Registry).ConfigureAwait(false)
                    : await AllowsAsync(EcrActions.GetRepositoryPolicy, Resource).ConfigureAwait(false);
        }

        MayReadRegistryPolicy = Result.Request.RegistryPolicy is not null && await AllowsAsync(EcrActions.GetRegistryPolicy, "*").ConfigureAwait(false);
    }

    private async Task<bool> IamAllowsQuietlyAsync(string action, string resource)
    {
        try
        {
            await iam.AuthorizeAsync(Caller, action, resource, RequestConditions.Of(HttpContext), Aborted).ConfigureAwait(false);
            return true;
        }
        catch (IamException e) when (e.Code == "AccessDenied")
        {
            return false;
        }
    }

    /// <summary>As AllowsAsync, on a public registry (a scope of its own: the authorizer reads that registry's repositories).</summary>
    private async Task<bool> PublicAllowsAsync(string action, string resource, Core.Registries.RegistryIdentity registry)
    {
        await using var scope = HttpContext.RequestServices.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Registries.RequestRegistry>().Current = registry;
        try
        {
            await scope.ServiceProvider.GetRequiredService<Core.Registries.IRegistryAuthorizer>()
                .AuthorizeAsync(Caller, registry, action, resource, RequestConditions.Of(HttpContext), Aborted).ConfigureAwait(false);
            return true;
        }
        catch (Core.Errors.RegistryException e) when (e.Error == Core.Errors.EcrErrors.AccessDenied)
        {
            return false;
        }
    }

    /// <summary>Whether the caller may see the statements of the policy a traced statement is in.</summary>
    public bool MaySee(StatementEvaluation statement) => statement.Source switch
    {
        PolicySource.Resource => MayReadRepositoryPolicy,
        PolicySource.Registry => MayReadRegistryPolicy,
        _ => true,
    };

    /// <summary>A recorded refusal no policy decides (an account root calling AssumeRole).</summary>
    public bool RefusedWithoutPolicy => Recorded is not null && Result is null;

    public static string Mark(bool? matched) => matched switch { true => "yes", false => "no", null => "not checked" };

    public bool IsRoot => Caller.Kind == PrincipalKind.Root;
}
