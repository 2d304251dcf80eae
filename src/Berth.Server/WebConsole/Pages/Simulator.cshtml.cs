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
        await ReadPolicyPermissionsAsync().ConfigureAwait(false);
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

    private async Task ReadPolicyPermissionsAsync()
    {
        MayReadRepositoryPolicy = Result!.Request.ResourcePolicy is not null && await AllowsAsync(EcrActions.GetRepositoryPolicy, Resource).ConfigureAwait(false);
        MayReadRegistryPolicy = Result.Request.RegistryPolicy is not null && await AllowsAsync(EcrActions.GetRegistryPolicy, "*").ConfigureAwait(false);
    }

    /// <summary>Whether the caller may see the statements of the policy a traced statement is in.</summary>
    public bool MaySee(StatementEvaluation statement) => statement.Source switch
    {
        PolicySource.Resource => MayReadRepositoryPolicy,
        PolicySource.Registry => MayReadRegistryPolicy,
        _ => true,
    };

    public static string Mark(bool? matched) => matched switch { true => "yes", false => "no", null => "not checked" };

    public bool IsRoot => Caller.Kind == PrincipalKind.Root;
}
