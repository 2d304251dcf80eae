using System.Globalization;
using Berth.Core.IamPolicies;
using Berth.Core.PolicySimulation;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>
/// SimulatePrincipalPolicy and SimulateCustomPolicy: one EvaluationResult per (action, resource), decided by the live
/// evaluator, paged with MaxItems / Marker.
/// See https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html.
/// </summary>
internal static class SimulationOperations
{
    public static void Register(Dictionary<string, Func<QueryCall, Task>> operations)
    {
        operations.Add("SimulatePrincipalPolicy", SimulatePrincipalAsync);
        operations.Add("SimulateCustomPolicy", SimulateCustomAsync);
    }

    private static async Task SimulatePrincipalAsync(QueryCall call)
    {
        var source = call.Input.Required("PolicySourceArn");
        await call.AuthorizeAsync("iam:SimulatePrincipalPolicy", source).ConfigureAwait(false);
        var results = await call.Service<PolicySimulationService>().SimulatePrincipalAsync(call.Principal, source, Input(call), call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, results).ConfigureAwait(false);
    }

    private static async Task SimulateCustomAsync(QueryCall call)
    {
        await call.AuthorizeAsync("iam:SimulateCustomPolicy", "*").ConfigureAwait(false);
        var results = await call.Service<PolicySimulationService>().SimulateCustomAsync(call.Principal, Input(call), call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, results).ConfigureAwait(false);
    }

    private static SimulationInput Input(QueryCall call)
    {
        Unsupported.Refuse(call.Input, "PermissionsBoundaryPolicyInputList", "ResourceHandlingOption");
        var context = new RequestContext();
        foreach (var entry in call.Input.List("ContextEntries").Cast<QueryInput>())
        {
            var name = entry.String("ContextKeyName") ?? throw Core.Iam.IamException.InvalidInput("A context entry needs a ContextKeyName.");
            context.Set(name, [.. entry.List("ContextKeyValues").Cast<string>()]);
        }

        return new SimulationInput(
            Strings(call.Input, "ActionNames"),
            Strings(call.Input, "ResourceArns"),
            Strings(call.Input, "PolicyInputList"),
            call.Input.String("ResourcePolicy"),
            call.Input.String("ResourceOwner"),
            call.Input.String("CallerArn"),
            context);
    }

    private static Task RespondAsync(QueryCall call, IReadOnlyList<SimulationResult> results)
    {
        var page = IamPaging.Read(call.Input);
        var start = 0;
        if (page.After is not null && (!int.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > results.Count))
        {
            throw Core.Iam.IamException.InvalidInput("Invalid Marker.");
        }

        var taken = results.Skip(start).Take(page.Limit).ToList();
        var end = start + taken.Count;
        var resourceSpecific = call.Input.List("ResourceArns").Count > 0;
        return call.RespondAsync(IamPaging.Finish(
            new QueryOutput { ["EvaluationResults"] = taken.Select(r => Shape(r, resourceSpecific)).ToList() },
            end < results.Count, end.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// An EvaluationResult. When ResourceArns were given, the result for the (action, resource) pair also carries one
    /// ResourceSpecificResult for that resource.
    /// </summary>
    private static QueryOutput Shape(SimulationResult result, bool resourceSpecific)
    {
        var output = new QueryOutput
        {
            ["EvalActionName"] = result.Action,
            ["EvalResourceName"] = result.Resource,
            ["EvalDecision"] = result.Decision,
            ["MatchedStatements"] = result.MatchedStatements.Select(Statement).ToList(),
            ["MissingContextValues"] = result.MissingContextValues.ToList<object>(),
        };
        if (resourceSpecific)
        {
            output["ResourceSpecificResults"] = new List<object>
            {
                new QueryOutput
                {
                    ["EvalResourceName"] = result.Resource,
                    ["EvalResourceDecision"] = result.Decision,
                    ["MatchedStatements"] = result.MatchedStatements.Select(Statement).ToList(),
                    ["MissingContextValues"] = result.MissingContextValues.ToList<object>(),
                },
            };
        }

        return output;
    }

    private static object Statement(MatchedStatement statement) => new QueryOutput
    {
        ["SourcePolicyId"] = statement.Policy.Id,
        ["SourcePolicyType"] = statement.Policy.SourceType,
        ["StartPosition"] = new QueryOutput { ["Line"] = statement.Start.Line, ["Column"] = statement.Start.Column },
        ["EndPosition"] = new QueryOutput { ["Line"] = statement.End.Line, ["Column"] = statement.End.Column },
    };

    private static List<string> Strings(QueryInput input, string member) => [.. input.List(member).Cast<string>()];
}
