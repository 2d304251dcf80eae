namespace Berth.Core.IamPolicies;

/// <summary>A statement after the syntax pass: every element has the right JSON shape, nothing is judged yet.</summary>
internal sealed class RawStatement
{
    public string? Sid { get; set; }

    public string Effect { get; set; } = "";

    public List<string>? Actions { get; set; }

    public bool NotAction { get; set; }

    public List<string>? Resources { get; set; }

    public bool NotResource { get; set; }

    public bool HasPrincipal { get; set; }

    public bool NotPrincipal { get; set; }

    public bool PrincipalStar { get; set; }

    public List<KeyValuePair<string, IReadOnlyList<string>>> Principals { get; } = [];

    public List<(string Operator, ConditionOperator? Parsed, string Key, List<string> Values)> Conditions { get; } = [];
}
