using Berth.Core.IamPolicies;

namespace Berth.Core.PolicySimulation;

/// <summary>
/// IAM's policy simulator over the live evaluator: each (action, resource) is one <see cref="AuthorizationRequest"/>
/// evaluated by <see cref="PolicyEvaluator"/> exactly as a live request is, with a trace that says why. Safe for
/// concurrent use.
/// </summary>
public sealed class PolicySimulator(PolicyEvaluator evaluator)
{
    public IReadOnlyList<SimulationResult> Simulate(SimulationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var identity = request.IdentityPolicies.Select(p => p.Document).ToList();
        var positions = new Dictionary<SimulationPolicy, IReadOnlyList<(TextPosition Start, TextPosition End)>>(ReferenceEqualityComparer.Instance);
        var resources = request.Resources.Count == 0 ? ["*"] : request.Resources;
        var results = new List<SimulationResult>(request.Actions.Count * resources.Count);
        foreach (var action in request.Actions)
        {
            foreach (var resource in resources)
            {
                var trace = new EvaluationTrace();
                var result = evaluator.Evaluate(new AuthorizationRequest(
                    request.Principal, action, resource, request.ResourceAccount ?? OwnerOf(resource, request.ResourceOwner), request.Context, identity,
                    request.ResourcePolicy?.Document, request.RegistryPolicy?.Document), trace);
                var matched = trace.Deciding(result.Decision).Select(s => Describe(s, request, positions)).ToList();
                results.Add(new SimulationResult(action, resource, result, matched, [.. trace.MissingContextKeys], trace, request));
            }
        }

        return results;
    }

    /// <summary>The policy of the request a traced statement came from.</summary>
    public static SimulationPolicy PolicyOf(StatementEvaluation statement, SimulationRequest request)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(request);
        return statement.Source switch
        {
            PolicySource.Identity => request.IdentityPolicies[statement.PolicyIndex],
            PolicySource.Resource => request.ResourcePolicy!,
            _ => request.RegistryPolicy!,
        };
    }

    private static MatchedStatement Describe(
        StatementEvaluation statement, SimulationRequest request, Dictionary<SimulationPolicy, IReadOnlyList<(TextPosition Start, TextPosition End)>> positions)
    {
        var policy = PolicyOf(statement, request);
        if (!positions.TryGetValue(policy, out var found))
        {
            found = StatementPositions.Find(policy.Text);
            positions[policy] = found;
        }

        var (start, end) = statement.StatementIndex < found.Count ? found[statement.StatementIndex] : (new TextPosition(1, 1), new TextPosition(1, 1));
        return new MatchedStatement(policy, start, end, statement.Statement);
    }

    /// <summary>The account in the resource's ARN; the given owner for <c>*</c> and ARNs without one (S3's).</summary>
    private static string OwnerOf(string resource, string owner)
    {
        var parts = resource.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && parts[4].Length > 0 ? parts[4] : owner;
    }
}
