namespace Berth.Core.Scanning.Versions;

/// <summary>
/// Alpine's version ordering, as <c>apk version -t</c> applies it: <c>digits{.digits}[letter]{_suffix[digits]}[-rN]</c>
/// read as a sequence of tokens. Pre-release suffixes (<c>_alpha</c>, <c>_beta</c>, <c>_pre</c>, <c>_rc</c>) sort before
/// the bare version, post-release ones (<c>_cvs</c>, <c>_svn</c>, <c>_git</c>, <c>_hg</c>, <c>_p</c>) after; a component
/// after a dot with leading zeros is compared as a fraction. A version that is not valid compares as apk-tools 2
/// compares it: up to the first invalid token.
/// See https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver and apk-tools' src/version.c.
/// </summary>
public static class ApkVersion
{
    private const int Invalid = -1;
    private const int DigitOrZero = 0;
    private const int Digit = 1;
    private const int Letter = 2;
    private const int Suffix = 3;
    private const int SuffixNumber = 4;
    private const int RevisionNumber = 5;
    private const int End = 6;

    private static readonly string[] PreSuffixes = ["alpha", "beta", "pre", "rc"];
    private static readonly string[] PostSuffixes = ["cvs", "svn", "git", "hg", "p"];

    /// <summary>Negative, zero or positive as <paramref name="a"/> sorts before, with or after <paramref name="b"/>.</summary>
    public static int Compare(string a, string b)
    {
        var ca = new Cursor(a.Trim());
        var cb = new Cursor(b.Trim());
        int at = Digit, bt = Digit;
        long av = 0, bv = 0;
        while (at == bt && at != End && at != Invalid && av == bv)
        {
            av = ca.Token(ref at);
            bv = cb.Token(ref bt);
        }

        if (av != bv)
        {
            return av < bv ? -1 : 1;
        }

        if (at == bt)
        {
            return 0;
        }

        // Equal so far: the longer version is newer, unless what follows is a pre-release suffix.
        var tt = at;
        if (at == Suffix && ca.Token(ref tt) < 0)
        {
            return -1;
        }

        tt = bt;
        if (bt == Suffix && cb.Token(ref tt) < 0)
        {
            return 1;
        }

        return at > bt ? -1 : bt > at ? 1 : 0;
    }

    private sealed class Cursor(string text)
    {
        private int _position;

        private int Left => text.Length - _position;

        private char At(int offset) => _position + offset < text.Length ? text[_position + offset] : '\0';

        /// <summary>The value of the token of type <paramref name="type"/> here; sets <paramref name="type"/> to the next one's.</summary>
        public long Token(ref int type)
        {
            if (Left <= 0)
            {
                type = End;
                return 0;
            }

            long value = 0;
            var i = 0;
            var next = Invalid;
            switch (type)
            {
                case DigitOrZero when At(0) == '0':
                    // Leading zeros after a dot: fewer zeros sort after more (1.01 < 1.1).
                    while (i < Left && At(i) == '0')
                    {
                        i++;
                    }

                    next = Digit;
                    value = -i;
                    break;
                case DigitOrZero or Digit or SuffixNumber or RevisionNumber:
                    while (i < Left && char.IsAsciiDigit(At(i)))
                    {
                        value = Math.Min(value * 10 + (At(i) - '0'), long.MaxValue / 20);
                        i++;
                    }

                    break;
                case Letter:
                    value = At(i);
                    i++;
                    break;
                case Suffix:
                    var found = false;
                    for (var s = 0; s < PreSuffixes.Length && !found; s++)
                    {
                        if (string.CompareOrdinal(text, _position, PreSuffixes[s], 0, PreSuffixes[s].Length) == 0)
                        {
                            (value, i, found) = (s - PreSuffixes.Length, PreSuffixes[s].Length, true);
                        }
                    }

                    for (var s = 0; s < PostSuffixes.Length && !found; s++)
                    {
                        if (string.CompareOrdinal(text, _position, PostSuffixes[s], 0, PostSuffixes[s].Length) == 0)
                        {
                            (value, i, found) = (s, PostSuffixes[s].Length, true);
                        }
                    }

                    if (!found)
                    {
                        type = Invalid;
                        return -1;
                    }

                    break;
                default:
                    type = Invalid;
                    return -1;
            }

            _position += i;
            if (Left == 0)
            {
                type = End;
            }
            else if (next != Invalid)
            {
                type = next;
            }
            else
            {
                NextToken(ref type);
            }

            return value;
        }

        private void NextToken(ref int type)
        {
            var next = Invalid;
            var c = At(0);
            if (Left == 0 || c == '\0')
            {
                next = End;
            }
            else if ((type == Digit || type == DigitOrZero) && char.IsAsciiLetterLower(c))
            {
                next = Letter;
            }
            else if (type == Letter && char.IsAsciiDigit(c))
            {
                next = Digit;
            }
            else if (type == Suffix && char.IsAsciiDigit(c))
            {
                next = SuffixNumber;
            }
            else
            {
                switch (c)
                {
                    case '.':
                        next = DigitOrZero;
                        break;
                    case '_':
                        next = Suffix;
                        break;
                    case '-':
                        if (Left > 1 && At(1) == 'r')
                        {
                            next = RevisionNumber;
                            _position++;
                        }

                        break;
                }

                _position++;
            }

            if (next < type && !((next == DigitOrZero && type == Digit) || (next == Suffix && type == SuffixNumber) || (next == Digit && type == Letter)))
            {
                next = Invalid;
            }

            type = next;
        }
    }
}
