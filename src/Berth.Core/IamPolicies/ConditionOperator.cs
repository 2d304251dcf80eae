namespace Berth.Core.IamPolicies;

/// <summary>A condition operator as written, e.g. <c>ForAllValues:StringLikeIfExists</c>, taken apart.</summary>
public sealed record ConditionOperator(SetQualifier Qualifier, ConditionOperatorKind Kind, bool IfExists)
{
    private const string IfExistsSuffix = "IfExists";
    private static readonly System.Buffers.SearchValues<char> Letters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Whether the operator is a negation (StringNotEquals, NotIpAddress, ArnNotLike, …): true when no value matches.</summary>
    public bool IsNegated => Kind is ConditionOperatorKind.StringNotEquals or ConditionOperatorKind.StringNotEqualsIgnoreCase
        or ConditionOperatorKind.StringNotLike or ConditionOperatorKind.NumericNotEquals or ConditionOperatorKind.DateNotEquals
        or ConditionOperatorKind.NotIpAddress or ConditionOperatorKind.ArnNotEquals or ConditionOperatorKind.ArnNotLike;

    /// <summary>Reads an operator name; false for anything IAM does not know (Null has no IfExists form).</summary>
    public static bool TryParse(string text, out ConditionOperator? result)
    {
        result = null;
        var qualifier = SetQualifier.None;
        var rest = text.AsSpan();
        if (rest.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAnyValue;
            rest = rest["ForAnyValue:".Length..];
        }
        else if (rest.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAllValues;
            rest = rest["ForAllValues:".Length..];
        }

        var ifExists = rest.EndsWith(IfExistsSuffix, StringComparison.Ordinal);
        if (ifExists)
        {
            rest = rest[..^IfExistsSuffix.Length];
        }

        if (rest.IsEmpty || rest.ContainsAnyExcept(Letters)
            || !Enum.TryParse(rest, ignoreCase: false, out ConditionOperatorKind kind)
            || (ifExists && kind == ConditionOperatorKind.Null))
        {
            return false;
        }

        result = new ConditionOperator(qualifier, kind, ifExists);
        return true;
    }

    /// <summary>The operator as IAM writes it: <c>ForAllValues:StringLikeIfExists</c>.</summary>
    public string Name => (Qualifier switch
    {
        SetQualifier.ForAnyValue => "ForAnyValue:",
        SetQualifier.ForAllValues => "ForAllValues:",
        _ => "",
    }) + Kind + (IfExists ? IfExistsSuffix : "");

    /// <summary>The operator that a negated one negates (StringNotLike → StringLike); itself otherwise.</summary>
    internal ConditionOperatorKind PositiveKind => Kind switch
    {
        ConditionOperatorKind.StringNotEquals => ConditionOperatorKind.StringEquals,
        ConditionOperatorKind.StringNotEqualsIgnoreCase => ConditionOperatorKind.StringEqualsIgnoreCase,
        ConditionOperatorKind.StringNotLike => ConditionOperatorKind.StringLike,
        ConditionOperatorKind.NumericNotEquals => ConditionOperatorKind.NumericEquals,
        ConditionOperatorKind.DateNotEquals => ConditionOperatorKind.DateEquals,
        ConditionOperatorKind.NotIpAddress => ConditionOperatorKind.IpAddress,
        ConditionOperatorKind.ArnNotEquals => ConditionOperatorKind.ArnEquals,
        ConditionOperatorKind.ArnNotLike => ConditionOperatorKind.ArnLike,
        _ => Kind,
    };
}
