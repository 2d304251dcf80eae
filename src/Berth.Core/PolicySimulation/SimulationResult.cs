using Berth.Core.IamPolicies;

namespace Berth.Core.PolicySimulation;

/// <summary>
/// The simulator's answer for one action on one resource: the evaluator's result, the statements that decided it
/// (the Deny for an explicit deny, the Allows that applied when allowed, none for an implicit deny), the condition
/// keys the policies read that the request did not have, and the whole trace (with the request it ran on), for an explanation.
/// </summary>
public sealed record SimulationResult(
    string Action,
    string Resource,
    AuthorizationResult Result,
    IReadOnlyList<MatchedStatement> MatchedStatements,
    IReadOnlyList<string> MissingContextValues,
    EvaluationTrace Trace,
    SimulationRequest Request)
{
    /// <summary>The policy a traced statement is in.</summary>
    public SimulationPolicy PolicyOf(StatementEvaluation statement) => PolicySimulator.PolicyOf(statement, Request);

    /// <summary>IAM's PolicyEvaluationDecisionType: allowed, explicitDeny or implicitDeny.</summary>
    public string Decision => Result.Decision switch
    {
        AuthorizationDecision.Allow => "allowed",
        AuthorizationDecision.ExplicitDeny => "explicitDeny",
        _ => "implicitDeny",
    };
}
