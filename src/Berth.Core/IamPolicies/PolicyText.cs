namespace Berth.Core.IamPolicies;

/// <summary>
/// A string from a policy (a resource, a condition value) with its policy variables found once, at parse time:
/// <c>${aws:username}</c>, <c>${aws:PrincipalTag/team, 'none'}</c> (with a default) and the escapes <c>${*}</c>,
/// <c>${?}</c>, <c>${$}</c> for a literal <c>*</c>, <c>?</c> and <c>$</c>. Only Version 2012-10-17 documents have
/// variables; in older ones the text is taken as written. A variable whose key is absent from the request (and has no
/// default) does not resolve, and the caller then treats the element as not matching.
/// </summary>
internal sealed class PolicyText
{
    private readonly Part[] _parts;
    private readonly WildcardPattern? _staticPattern;
    private readonly bool _ignoreCase;

    private PolicyText(string raw, Part[] parts, bool ignoreCase)
    {
        Raw = raw;
        _parts = parts;
        _ignoreCase = ignoreCase;
        HasVariables = parts.Any(p => p.Kind == PartKind.Variable);
        if (!HasVariables)
        {
            _staticPattern = BuildPattern(null)!;
        }
    }

    public string Raw { get; }

    public bool HasVariables { get; }

    public static PolicyText Parse(string raw, bool allowVariables, bool ignoreCase) =>
        new(raw, allowVariables ? Tokenize(raw) : [new Part(PartKind.Pattern, raw, null)], ignoreCase);

    /// <summary>The text as a wildcard pattern with variables substituted literally; null when a variable does not resolve.</summary>
    public WildcardPattern? ToPattern(RequestContext context) => _staticPattern ?? BuildPattern(context);

    /// <summary>The text with variables substituted and wildcards kept as characters; null when a variable does not resolve.</summary>
    public string? Resolve(RequestContext context)
    {
        if (!HasVariables && _parts.Length == 1 && _parts[0].Kind == PartKind.Pattern)
        {
            return Raw;
        }

        var text = new System.Text.StringBuilder();
        foreach (var part in _parts)
        {
            var value = part.Kind == PartKind.Variable ? Lookup(part, context) : part.Text;
            if (value is null)
            {
                return null;
            }

            text.Append(value);
        }

        return text.ToString();
    }

    /// <summary>Splits an ARN at its first five colons outside variables; missing trailing segments are empty.</summary>
    public IReadOnlyList<PolicyText> SplitArnSegments()
    {
        var segments = new List<List<Part>> { new() };
        foreach (var part in _parts)
        {
            if (part.Kind != PartKind.Pattern)
            {
                segments[^1].Add(part);
                continue;
            }

            var text = part.Text;
            var start = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == ':' && segments.Count < ArnSegments.Count)
                {
                    segments[^1].Add(part with { Text = text[start..i] });
                    segments.Add([]);
                    start = i + 1;
                }
            }

            segments[^1].Add(part with { Text = text[start..] });
        }

        return segments.Select(s => new PolicyText(string.Concat(s.Select(p => p.Original)), [.. s], _ignoreCase)).ToList();
    }

    private WildcardPattern? BuildPattern(RequestContext? context)
    {
        var builder = new WildcardPattern.Builder(_ignoreCase);
        foreach (var part in _parts)
        {
            switch (part.Kind)
            {
                case PartKind.Pattern:
                    builder.AppendPattern(part.Text);
                    break;
                case PartKind.Literal:
                    builder.AppendLiteral(part.Text);
                    break;
                default:
                    var value = context is null ? null : Lookup(part, context);
                    if (value is null)
                    {
                        return null;
                    }

                    builder.AppendLiteral(value);
                    break;
            }
        }

        return builder.Build();
    }

    private static string? Lookup(Part variable, RequestContext context)
    {
        var values = context.Find(variable.Text);
        return values is { Count: 1 } ? values[0] : variable.Default;
    }

    private static Part[] Tokenize(string raw)
    {
        var parts = new List<Part>();
        var text = new System.Text.StringBuilder();
        var i = 0;
        while (i < raw.Length)
        {
            var close = raw[i] == '$' && i + 1 < raw.Length && raw[i + 1] == '{' ? raw.IndexOf('}', i + 2) : -1;
            if (close < 0)
            {
                text.Append(raw[i]);
                i++;
                continue;
            }

            if (text.Length > 0)
            {
                parts.Add(new Part(PartKind.Pattern, text.ToString(), null));
                text.Clear();
            }

            parts.Add(ParseVariable(raw[(i + 2)..close], raw[i..(close + 1)]));
            i = close + 1;
        }

        if (text.Length > 0 || parts.Count == 0)
        {
            parts.Add(new Part(PartKind.Pattern, text.ToString(), null));
        }

        return [.. parts];
    }

    private static Part ParseVariable(string inner, string original)
    {
        var trimmed = inner.Trim();
        if (trimmed is "*" or "?" or "$")
        {
            return new Part(PartKind.Literal, trimmed, null) { Original = original };
        }

        var comma = trimmed.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return new Part(PartKind.Variable, trimmed, null) { Original = original };
        }

        var key = trimmed[..comma].TrimEnd();
        var fallback = trimmed[(comma + 1)..].Trim();
        if (fallback.Length >= 2 && fallback[0] == '\'' && fallback[^1] == '\'')
        {
            fallback = fallback[1..^1];
        }

        return new Part(PartKind.Variable, key, fallback) { Original = original };
    }

    private enum PartKind { Pattern, Literal, Variable }

    private sealed record Part(PartKind Kind, string Text, string? Default)
    {
        private readonly string? _original;

        public string Original
        {
            get => _original ?? Text;
            init => _original = value;
        }
    }
}
