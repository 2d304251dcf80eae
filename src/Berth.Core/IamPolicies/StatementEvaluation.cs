namespace Berth.Core.IamPolicies;

/// <summary>
/// One statement as the evaluator checked it: which policy of the request it belongs to (<see cref="Source"/>, and
/// <see cref="PolicyIndex"/> among the identity policies), its index in that policy, and how each element compared.
/// <see cref="ResourceMatched"/> and <see cref="PrincipalMatched"/> are null when the evaluator did not get that far
/// (or the statement has no such element to check); <see cref="Conditions"/> holds the conditions evaluated, in order,
/// up to the first that failed.
/// </summary>
public sealed record StatementEvaluation(
    PolicySource Source,
    int PolicyIndex,
    int StatementIndex,
    PolicyStatement Statement,
    bool ActionMatched,
    bool? ResourceMatched,
    bool? PrincipalMatched,
    IReadOnlyList<ConditionEvaluation> Conditions)
{
    /// <summary>Whether the statement applied to the request (action, resource, principal and every condition).</summary>
    public bool Applies => ActionMatched && ResourceMatched != false && PrincipalMatched != false && Conditions.All(c => c.Held);
}
