using System.Text;
using Berth.Core.IamPolicies;
using Berth.Core.PolicySimulation;
using Berth.Core.Registries;
using Berth.Server.Registries;

namespace Berth.Server.AuditTrail;

/// <summary>
/// Re-runs a recorded denial through the live authorizer's inputs (<see cref="IRegistryAuthorizer.ExplainAsync"/>:
/// today's identity, repository and registry policies, the recorded request keys) and writes the trace as text, for
/// <c>berth explain REQUEST-ID</c>.
/// </summary>
internal static class Explanation
{
    public static async Task<SimulationResult> RunAsync(IServiceProvider services, RecordedDenial denial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(denial);
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestRegistry>().Current = denial.Registry;
        return await scope.ServiceProvider.GetRequiredService<IRegistryAuthorizer>().ExplainAsync(
            denial.Principal, denial.Registry, denial.Authorization.Action, denial.Authorization.Resource, denial.Authorization.ToRequestContext(), cancellationToken).ConfigureAwait(false);
    }

    public static string Text(RecordedDenial denial, SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(denial);
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        text.Append($"Request {denial.RequestId}: {denial.EventSource} {denial.EventName} at {denial.EventTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n");
        text.Append($"Caller:    {denial.Principal.Arn}\n");
        text.Append($"Action:    {denial.Authorization.Action}\n");
        text.Append($"Resource:  {denial.Authorization.Resource}\n");
        text.Append($"Context:   {string.Join(", ", denial.Authorization.Context.Select(k => $"{k.Key}={string.Join("|", k.Value)}"))}\n");
        text.Append($"Recorded:  {denial.ErrorCode}: {denial.ErrorMessage}\n");
        text.Append($"Decision now (today's policies): {result.Decision}\n");
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
            text.Append($"- {Source(statement.Source)} policy {policy.Id}, statement {statement.Statement.Sid ?? "#" + (statement.StatementIndex + 1)} ({statement.Statement.Effect}): ");
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

    public static string Source(PolicySource source) => source switch
    {
        PolicySource.Resource => "repository",
        PolicySource.Registry => "registry",
        _ => "identity",
    };

    private static string Mark(bool? matched) => matched switch { true => "matches", false => "does not match", null => "not checked" };
}
