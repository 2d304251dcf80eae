using System.Globalization;

namespace Berth.Core.IamPolicies;

/// <summary>
/// One condition key under one operator, with its values, e.g. <c>"StringEquals": {"aws:username": ["a", "b"]}</c>.
/// Values are parsed once (numbers, dates, CIDR blocks, patterns); evaluation follows AWS: several values are OR'ed, a
/// negated operator holds when no value matches, a missing key fails a positive operator and satisfies a negated one,
/// <c>…IfExists</c> holds when the key is missing, ForAnyValue needs one request value to match and fails on an empty
/// set, ForAllValues needs every request value to match and holds on an empty set.
/// </summary>
internal sealed class ConditionClause
{
    private readonly PolicyText[] _texts;
    private readonly ArnPattern[] _arns;
    private readonly decimal?[] _numbers;
    private readonly DateTimeOffset?[] _dates;
    private readonly IpRange?[] _ranges;
    private readonly ConditionOperatorKind _positive;

    public ConditionClause(ConditionOperator @operator, string key, IReadOnlyList<string> values, bool allowVariables)
    {
        Operator = @operator;
        Key = key;
        _positive = @operator.PositiveKind;
        var kind = _positive;
        var variables = allowVariables && kind is ConditionOperatorKind.StringEquals or ConditionOperatorKind.StringEqualsIgnoreCase
            or ConditionOperatorKind.StringLike or ConditionOperatorKind.ArnEquals or ConditionOperatorKind.ArnLike;
        _texts = [.. values.Select(v => PolicyText.Parse(v, variables, ignoreCase: false))];
        _arns = kind is ConditionOperatorKind.ArnEquals or ConditionOperatorKind.ArnLike
            ? [.. values.Select(v => ArnPattern.Parse(v, variables))]
            : [];
        _numbers = kind is >= ConditionOperatorKind.NumericEquals and <= ConditionOperatorKind.NumericGreaterThanEquals
            ? [.. values.Select(ParseNumber)]
            : [];
        _dates = kind is >= ConditionOperatorKind.DateEquals and <= ConditionOperatorKind.DateGreaterThanEquals
            ? [.. values.Select(PolicyDates.TryParse)]
            : [];
        _ranges = kind == ConditionOperatorKind.IpAddress ? [.. values.Select(IpRange.TryParse)] : [];
    }

    public ConditionOperator Operator { get; }

    public string Key { get; }

    /// <summary>The policy's values as written (before policy variables are resolved).</summary>
    public IReadOnlyList<string> Values => [.. _texts.Select(t => t.Raw)];

    public bool Evaluate(RequestContext context)
    {
        var requestValues = context.Find(Key);
        var missing = requestValues is null || requestValues.Count == 0;
        if (Operator.Kind == ConditionOperatorKind.Null)
        {
            return _texts.Any(t => string.Equals(t.Raw, "true", StringComparison.OrdinalIgnoreCase) == missing);
        }

        if (missing)
        {
            return Operator.IfExists || Operator.Qualifier switch
            {
                SetQualifier.ForAllValues => true,
                SetQualifier.ForAnyValue => false,
                _ => Operator.IsNegated,
            };
        }

        var anyUnresolved = false;
        bool Holds(string requestValue)
        {
            var matched = MatchesAny(requestValue, context, ref anyUnresolved);
            return Operator.IsNegated ? !matched : matched;
        }

        bool result = Operator.Qualifier switch
        {
            SetQualifier.ForAllValues => requestValues!.All(Holds),
            SetQualifier.ForAnyValue => requestValues!.Any(Holds),
            _ when Operator.IsNegated => requestValues!.All(Holds),
            _ => requestValues!.Any(Holds),
        };
        return result && !anyUnresolved;
    }

    private bool MatchesAny(string requestValue, RequestContext context, ref bool anyUnresolved)
    {
        for (var i = 0; i < _texts.Length; i++)
        {
            switch (MatchesOne(i, requestValue, context))
            {
                case MatchOutcome.Match:
                    return true;
                case MatchOutcome.Unresolved:
                    anyUnresolved = true;
                    break;
            }
        }

        return false;
    }

    private MatchOutcome MatchesOne(int index, string requestValue, RequestContext context)
    {
        switch (_positive)
        {
            case ConditionOperatorKind.StringEquals:
            case ConditionOperatorKind.StringEqualsIgnoreCase:
                var expected = _texts[index].Resolve(context);
                return expected is null ? MatchOutcome.Unresolved : Outcome(string.Equals(expected, requestValue,
                    _positive == ConditionOperatorKind.StringEquals ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase));
            case ConditionOperatorKind.StringLike:
                var pattern = _texts[index].ToPattern(context);
                return pattern is null ? MatchOutcome.Unresolved : Outcome(pattern.IsMatch(requestValue));
            case ConditionOperatorKind.ArnEquals:
            case ConditionOperatorKind.ArnLike:
                return _arns[index].Match(requestValue, context);
            case ConditionOperatorKind.Bool:
                return Outcome(string.Equals(_texts[index].Raw, requestValue, StringComparison.OrdinalIgnoreCase));
            case ConditionOperatorKind.BinaryEquals:
                return Outcome(string.Equals(_texts[index].Raw, requestValue, StringComparison.Ordinal));
            case ConditionOperatorKind.IpAddress:
                return Outcome(_ranges[index]?.Contains(requestValue) == true);
            case >= ConditionOperatorKind.NumericEquals and <= ConditionOperatorKind.NumericGreaterThanEquals:
                return Outcome(_numbers[index] is { } policyNumber && ParseNumber(requestValue) is { } number
                    && Compare(number.CompareTo(policyNumber), ConditionOperatorKind.NumericEquals));
            default:
                return Outcome(_dates[index] is { } policyDate && PolicyDates.TryParse(requestValue) is { } date
                    && Compare(date.CompareTo(policyDate), ConditionOperatorKind.DateEquals));
        }
    }

    /// <summary>Reads a comparison against the family's first member: Equals, NotEquals (already made positive), LessThan, …</summary>
    private bool Compare(int comparison, ConditionOperatorKind familyStart) => (_positive - familyStart) switch
    {
        0 => comparison == 0,
        2 => comparison < 0,
        3 => comparison <= 0,
        4 => comparison > 0,
        _ => comparison >= 0,
    };

    private static MatchOutcome Outcome(bool matched) => matched ? MatchOutcome.Match : MatchOutcome.NoMatch;

    private static decimal? ParseNumber(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
