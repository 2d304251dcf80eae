namespace Berth.Core.IamPolicies;

/// <summary>
/// A compiled glob: <c>*</c> matches any run of characters (including none), <c>?</c> exactly one. The pattern is cut
/// at each <c>*</c> into segments that are matched left to right at their leftmost position, which is exact for globs
/// and takes at most (text length × pattern length) steps: no backtracking, no regular expression.
/// </summary>
internal sealed class WildcardPattern
{
    private readonly Segment[] _segments;
    private readonly bool _ignoreCase;

    private WildcardPattern(Segment[] segments, bool ignoreCase)
    {
        _segments = segments;
        _ignoreCase = ignoreCase;
    }

    /// <summary>True when the pattern is a lone <c>*</c>, which matches every text.</summary>
    public bool MatchesEverything => _segments.Length == 2 && _segments[0].Length == 0 && _segments[1].Length == 0;

    /// <summary>Compiles text in which every <c>*</c> and <c>?</c> is a wildcard.</summary>
    public static WildcardPattern Compile(string pattern, bool ignoreCase)
    {
        var builder = new Builder(ignoreCase);
        builder.AppendPattern(pattern);
        return builder.Build();
    }

    /// <summary>Compiles text with no wildcards at all.</summary>
    public static WildcardPattern Literal(string text, bool ignoreCase)
    {
        var builder = new Builder(ignoreCase);
        builder.AppendLiteral(text);
        return builder.Build();
    }

    public bool IsMatch(ReadOnlySpan<char> text)
    {
        if (_segments.Length == 1)
        {
            return text.Length == _segments[0].Length && MatchesAt(_segments[0], text, 0);
        }

        var first = _segments[0];
        var last = _segments[^1];
        if (text.Length < first.Length + last.Length
            || !MatchesAt(first, text, 0)
            || !MatchesAt(last, text, text.Length - last.Length))
        {
            return false;
        }

        var position = first.Length;
        var end = text.Length - last.Length;
        for (var i = 1; i < _segments.Length - 1; i++)
        {
            var segment = _segments[i];
            var found = -1;
            for (var start = position; start + segment.Length <= end; start++)
            {
                if (MatchesAt(segment, text, start))
                {
                    found = start;
                    break;
                }
            }

            if (found < 0)
            {
                return false;
            }

            position = found + segment.Length;
        }

        return true;
    }

    private bool MatchesAt(Segment segment, ReadOnlySpan<char> text, int start)
    {
        var chars = segment.Chars;
        for (var k = 0; k < chars.Length; k++)
        {
            if (segment.AnyChar is { } any && any[k])
            {
                continue;
            }

            var c = text[start + k];
            if (c != chars[k] && !(_ignoreCase && char.ToUpperInvariant(c) == char.ToUpperInvariant(chars[k])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Literal characters between two <c>*</c>; <see cref="AnyChar"/> marks the positions of <c>?</c>.</summary>
    private sealed record Segment(string Chars, bool[]? AnyChar)
    {
        public int Length => Chars.Length;
    }

    /// <summary>Builds a pattern from pieces, so that substituted policy variables stay literal.</summary>
    internal sealed class Builder(bool ignoreCase)
    {
        private readonly List<Segment> _segments = [];
        private readonly System.Text.StringBuilder _chars = new();
        private readonly List<bool> _any = [];

        public void AppendPattern(ReadOnlySpan<char> pattern)
        {
            foreach (var c in pattern)
            {
                switch (c)
                {
                    case '*':
                        EndSegment();
                        break;
                    case '?':
                        _chars.Append('?');
                        _any.Add(true);
                        break;
                    default:
                        _chars.Append(c);
                        _any.Add(false);
                        break;
                }
            }
        }

        public void AppendLiteral(ReadOnlySpan<char> text)
        {
            _chars.Append(text);
            for (var i = 0; i < text.Length; i++)
            {
                _any.Add(false);
            }
        }

        public WildcardPattern Build()
        {
            EndSegment();
            return new WildcardPattern([.. _segments], ignoreCase);
        }

        private void EndSegment()
        {
            _segments.Add(new Segment(_chars.ToString(), _any.Contains(true) ? [.. _any] : null));
            _chars.Clear();
            _any.Clear();
        }
    }
}
