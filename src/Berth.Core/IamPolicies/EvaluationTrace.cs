namespace Berth.Core.IamPolicies;

/// <summary>
/// What <see cref="PolicyEvaluator"/> looked at while deciding, recorded when the caller asks for it (the policy
/// simulator, the console's "why"): every statement it checked, in order, until the decision was made (an explicit
/// Deny ends the evaluation, as it does for live requests), and the condition keys the request did not have. The live
/// authorizer passes none and pays nothing for it. Not safe for concurrent use: one trace per evaluation.
/// </summary>
public sealed class EvaluationTrace
{
    private readonly List<StatementEvaluation> _statements = [];
    private readonly SortedSet<string> _missingKeys = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<StatementEvaluation> Statements => _statements;

    /// <summary>Condition keys that statements applying to the action and resource read, and the request did not have.</summary>
    public IReadOnlyCollection<string> MissingContextKeys => _missingKeys;

    /// <summary>The statements that decided: the Deny for an explicit deny; every Allow that applied when allowed; none for an implicit deny.</summary>
    public IReadOnlyList<StatementEvaluation> Deciding(AuthorizationDecision decision) => decision switch
    {
        AuthorizationDecision.ExplicitDeny => [.. _statements.Where(s => s.Applies && s.Statement.Effect == PolicyEffect.Deny)],
        AuthorizationDecision.Allow => [.. _statements.Where(s => s.Applies)],
        _ => [],
    };

    internal void Add(StatementEvaluation statement) => _statements.Add(statement);

    internal void AddMissingKey(string key) => _missingKeys.Add(key);
}
