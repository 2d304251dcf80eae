using System.Text;
using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;
using Berth.Core.PolicySimulation;
using Berth.Core.Registries;
using Berth.Server.Registries;

namespace Berth.Server.AuditTrail;

/// <summary>
/// Re-runs a recorded denial through the inputs of the authorizer that refused it, with today's policies, and writes
/// the trace as text, for <c>berth explain REQUEST-ID</c> (the console's simulator page shows the same result). The
/// event's source says which authorizer that was: the ECR API, <c>/v2/</c> and ECR Public's API were decided by the
/// registry authorizer (<see cref="IRegistryAuthorizer.ExplainAsync"/>: identity, repository and registry policies);
/// IAM, CloudTrail and Secrets Manager by <see cref="IamAuthorization.ExplainAsync"/> (identity policies); STS
/// AssumeRole by the role's trust policy with the identity policies (<see cref="IamAuthorization.ExplainAssumeRoleAsync"/>).
/// </summary>
internal static class Explanation
{
    public const string EcrPublicSource = "ecr-public.amazonaws.com";

    private const string AssumeRole = "sts:AssumeRole";

    /// <summary>
    /// The decision again with its trace; null when no policy decides it (an account root calling AssumeRole:
    /// refused whatever the policies say), see <see cref="Text"/>.
    /// </summary>
    public static async Task<SimulationResult?> RunAsync(IServiceProvider services, RecordedDenial denial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(denial);
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var (action, resource, context) = (denial.Authorization.Action, denial.Authorization.Resource, denial.Authorization.ToRequestContext());
        if (!IsRegistryDecision(denial))
        {
            var iam = provider.GetRequiredService<IamAuthorization>();
            if (action != AssumeRole || denial.EventSource != "sts.amazonaws.com")
            {
                return await iam.ExplainAsync(denial.Principal, action, resource, context, cancellationToken).ConfigureAwait(false);
            }

            if (denial.Principal.Kind == PrincipalKind.Root)
            {
                return null;
            }

            var role = await provider.GetRequiredService<IIamEntityStore>().FindByArnAsync(resource, cancellationToken).ConfigureAwait(false);
            return await iam.ExplainAssumeRoleAsync(denial.Principal, resource, role is { Kind: IamEntityKind.Role } ? role : null, context, cancellationToken).ConfigureAwait(false);
        }

        provider.GetRequiredService<RequestRegistry>().Current = denial.Registry;
        return await provider.GetRequiredService<IRegistryAuthorizer>().ExplainAsync(
            denial.Principal, denial.Registry, action, resource, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the registry authorizer decided the call (ECR, /v2/, ECR Public), not IAM's.</summary>
    public static bool IsRegistryDecision(RecordedDenial denial)
    {
        ArgumentNullException.ThrowIfNull(denial);
        return denial.EventSource is "ecr.amazonaws.com" or EcrPublicSource;
    }

    public static string Text(RecordedDenial denial, SimulationResult? result)
    {
        ArgumentNullException.ThrowIfNull(denial);
        var text = new StringBuilder();
        text.Append($"Request {denial.RequestId}: {denial.EventSource} {denial.EventName} at {denial.EventTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n");
        text.Append($"Caller:    {denial.Principal.Arn}\n");
        text.Append($"Action:    {denial.Authorization.Action}\n");
        text.Append($"Resource:  {denial.Authorization.Resource}\n");
        text.Append($"Context:   {string.Join(", ", denial.Authorization.Context.Select(k => $"{k.Key}={string.Join("|", k.Value)}"))}\n");
        text.Append($"Recorded:  {denial.ErrorCode}: {denial.ErrorMessage}\n");
        if (result is null)
        {
            text.Append("An account root may not assume a role: AWS refuses it whatever the policies say.\n");
            return text.ToString();
        }

        text.Append($"Decision now (today's policies): {result.Decision}\n");
        if (denial.Authorization.Action == AssumeRole && !IsRegistryDecision(denial))
        {
            text.Append(result.Request.ResourcePolicy is null
                ? "No role has this ARN today: no trust policy trusts the caller.\n"
                : "A role is assumed when its trust policy allows the caller: by naming it, or by naming its account when an identity policy allows sts:AssumeRole too.\n");
        }

        if (result.MissingContextValues.Count > 0)
        {
            text.Append($"Condition keys the policies read that the request did not have: {string.Join(", ", result.MissingContextValues)}\n");
        }

        if (result.Trace.Statements.Count == 0)
        {
            text.Append("No policy statement names this action: nothing allows it (implicit deny).\n");
        }

        foreach (var statement in result.Trace.Statements)
        {
            var policy = result.PolicyOf(statement);
            var deciding = result.MatchedStatements.Any(m => ReferenceEquals(m.Statement, statement.Statement));
            text.Append($"- {Source(statement.Source, policy)} policy {policy.Id}, statement {statement.Statement.Sid ?? "#" + (statement.StatementIndex + 1)} ({statement.Statement.Effect}): ");
            text.Append($"action {Mark(statement.ActionMatched)}, resource {Mark(statement.ResourceMatched)}");
            if (statement.PrincipalMatched is { } principal)
            {
                text.Append($", principal {Mark(principal)}");
            }

            text.Append(statement.Applies ? " -> applies" : " -> does not apply").Append(deciding ? " (decides)\n" : "\n");
            foreach (var condition in statement.Conditions)
            {
                var request = condition.RequestValues is null ? "missing" : "[" + string.Join(", ", condition.RequestValues) + "]";
                text.Append($"    condition {condition.Operator} {condition.Key}: policy [{string.Join(", ", condition.PolicyValues)}], request {request} -> {(condition.Held ? "holds" : "FAILS")}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>What kind of policy a traced statement is in: identity, repository, registry, or a role's trust policy.</summary>
    public static string Source(PolicySource source, SimulationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return source switch
        {
            PolicySource.Resource when policy.SourceType == IamAuthorization.TrustPolicyType => "trust",
            PolicySource.Resource => "repository",
            PolicySource.Registry => "registry",
            _ => "identity",
        };
    }

    private static string Mark(bool? matched) => matched switch { true => "matches", false => "does not match", null => "not checked" };
}
