using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;
using Berth.Core.PolicySimulation;
using Berth.Server.Authentication;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// Explains a decision for the signed-in caller: the live authorizer's inputs (identity policies, the repository's
/// policy, the registry policy, the request's keys) through the simulator, listing every statement checked and every
/// condition with both sides' values. Authorized as iam:SimulatePrincipalPolicy on the caller itself; the statements
/// of a repository or registry policy are shown only to a caller who may read that policy.
/// </summary>
internal sealed class SimulatorModel(IamAuthorization iam) : ConsolePageModel
{
    public string Action { get; private set; } = EcrActions.BatchGetImage;

    public string Resource { get; private set; } = "";

    public SimulationResult? Result { get; private set; }

    public string? IamDenial { get; private set; }

    public bool MayReadRepositoryPolicy { get; private set; }

    public bool MayReadRegistryPolicy { get; private set; }

    public async Task OnGetAsync(string? action, string? resource)
    {
        Resource = string.IsNullOrWhiteSpace(resource) ? Registry.RepositoryArn("*") : resource.Trim();
        Action = string.IsNullOrWhiteSpace(action) ? EcrActions.BatchGetImage : action.Trim();
        try
        {
            await iam.AuthorizeAsync(Caller, "iam:SimulatePrincipalPolicy", Caller.RoleArn ?? Caller.Arn, RequestConditions.Of(HttpContext), Aborted).ConfigureAwait(false);
        }
        catch (IamException e) when (e.Code == "AccessDenied")
        {
            IamDenial = e.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (action is null)
        {
            return;
        }

        Result = await Service<Core.Registries.IRegistryAuthorizer>().ExplainAsync(Caller, Registry, Action, Resource, RequestConditions.Of(HttpContext), Aborted).ConfigureAwait(false);
        MayReadRepositoryPolicy = Result.Request.ResourcePolicy is not null && await AllowsAsync(EcrActions.GetRepositoryPolicy, Resource).ConfigureAwait(false);
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
