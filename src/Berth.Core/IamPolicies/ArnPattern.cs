namespace Berth.Core.IamPolicies;

/// <summary>
/// A Resource entry, or an ArnLike/ArnEquals value. <c>*</c> alone matches every resource. Otherwise each of the ARN's
/// six colon-separated parts is matched on its own, case-sensitively, with <c>*</c> and <c>?</c>; a wildcard in the
/// first five parts never crosses a colon, while the resource part (everything after the fifth colon) may hold any
/// characters. Missing trailing parts are taken as <c>*</c>, as IAM normalizes them (its error texts show
/// "arn:aws:s3:::*" for "arn:aws:s3").
/// </summary>
internal sealed class ArnPattern
{
    private readonly PolicyText[]? _segments;

    private ArnPattern(string raw, PolicyText[]? segments)
    {
        Raw = raw;
        _segments = segments;
    }

    public string Raw { get; }

    public static ArnPattern Parse(string raw, bool allowVariables)
    {
        if (raw == "*")
        {
            return new ArnPattern(raw, null);
        }

        var segments = PolicyText.Parse(raw, allowVariables, ignoreCase: false).SplitArnSegments().ToList();
        while (segments.Count < ArnSegments.Count)
        {
            segments.Add(PolicyText.Parse("*", allowVariables: false, ignoreCase: false));
        }

        return new ArnPattern(raw, [.. segments]);
    }

    public MatchOutcome Match(string arn, RequestContext context)
    {
        if (_segments is null)
        {
            return MatchOutcome.Match;
        }

        var parts = ArnSegments.Split(arn);
        var outcome = MatchOutcome.Match;
        for (var i = 0; i < ArnSegments.Count; i++)
        {
            var pattern = _segments[i].ToPattern(context);
            if (pattern is null)
            {
                return MatchOutcome.Unresolved;
            }

            if (parts is null || !pattern.IsMatch(parts[i]))
            {
                outcome = MatchOutcome.NoMatch;
            }
        }

        return outcome;
    }
}
