namespace Berth.Core.IamPolicies;

/// <summary>One compiled statement. Matching methods are safe for concurrent use: nothing is compiled per call.</summary>
public sealed class PolicyStatement
{
    private readonly ActionPattern[] _actions;
    private readonly ArnPattern[]? _resources;
    private readonly PolicyPrincipals? _principals;
    private readonly ConditionClause[] _conditions;

    internal PolicyStatement(
        string? sid,
        PolicyEffect effect,
        ActionPattern[] actions,
        bool notAction,
        ArnPattern[]? resources,
        bool notResource,
        PolicyPrincipals? principals,
        bool notPrincipal,
        ConditionClause[] conditions)
    {
        Sid = sid;
        Effect = effect;
        _actions = actions;
        IsNotAction = notAction;
        _resources = resources;
        IsNotResource = notResource;
        _principals = principals;
        IsNotPrincipal = notPrincipal;
        _conditions = conditions;
    }

    public string? Sid { get; }

    public PolicyEffect Effect { get; }

    public bool IsNotAction { get; }

    public bool IsNotResource { get; }

    public bool IsNotPrincipal { get; }

    /// <summary>The Action or NotAction entries as written.</summary>
    public IReadOnlyList<string> Actions => [.. _actions.Select(a => a.Raw)];

    /// <summary>The Resource or NotResource entries as written; empty when the statement has neither (a resource policy).</summary>
    public IReadOnlyList<string> Resources => _resources is null ? [] : [.. _resources.Select(r => r.Raw)];

    /// <summary>Whether the statement has a Resource or NotResource element (IAM refuses one in a role trust policy).</summary>
    public bool HasResourceElement => _resources is not null;

    /// <summary>The condition operators used, so callers can report them.</summary>
    public IReadOnlyList<ConditionOperator> ConditionOperators => [.. _conditions.Select(c => c.Operator)];

    internal bool AppliesToAction(string action)
    {
        var listed = false;
        foreach (var pattern in _actions)
        {
            if (pattern.IsMatch(action))
            {
                listed = true;
                break;
            }
        }

        return listed != IsNotAction;
    }

    internal bool AppliesToResource(string resource, RequestContext context)
    {
        if (_resources is null)
        {
            return true;
        }

        var listed = false;
        foreach (var pattern in _resources)
        {
            var outcome = pattern.Match(resource, context);
            if (outcome == MatchOutcome.Unresolved && IsNotResource)
            {
                return false;
            }

            listed |= outcome == MatchOutcome.Match;
        }

        return listed != IsNotResource;
    }

    internal PrincipalMatch MatchPrincipal(RequestPrincipal principal)
    {
        if (_principals is null)
        {
            return PrincipalMatch.Principal;
        }

        if (IsNotPrincipal)
        {
            return _principals.Excludes(principal) ? PrincipalMatch.None : PrincipalMatch.Principal;
        }

        return _principals.Match(principal);
    }

    /// <summary>As <see cref="ConditionsHold(RequestContext)"/>, recording each condition evaluated and the keys the request lacks.</summary>
    internal IReadOnlyList<ConditionEvaluation> ExplainConditions(RequestContext context, EvaluationTrace trace)
    {
        var evaluated = new List<ConditionEvaluation>(_conditions.Length);
        foreach (var condition in _conditions)
        {
            var values = context.Find(condition.Key);
            if (values is null)
            {
                trace.AddMissingKey(condition.Key);
            }

            var held = condition.Evaluate(context);
            evaluated.Add(new ConditionEvaluation(condition.Operator.Name, condition.Key, condition.Values, values, held));
            if (!held)
            {
                break;
            }
        }

        return evaluated;
    }

    internal bool ConditionsHold(RequestContext context)
    {
        foreach (var condition in _conditions)
        {
            if (!condition.Evaluate(context))
            {
                return false;
            }
        }

        return true;
    }
}
