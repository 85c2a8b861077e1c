using System.Globalization;
using System.Text;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// Converts a JSON Schema <c>pattern</c> (an ECMA-262 regular expression) to GBNF, in the shape llama.cpp's
/// converter writes (literals merged, a bounded repetition of a non-literal as its own rule). It differs from
/// llama.cpp where llama.cpp's grammar is wrong:
/// <list type="bullet">
/// <item>inside a JSON string every character is written as JSON text: a <c>"</c>, <c>\</c> or control character
/// the pattern allows is written escaped (llama.cpp writes it raw, so its <c>.</c> and <c>[^…]</c> allow a bare
/// <c>"</c> that ends the JSON string, and a pattern <c>^"$</c> gives <c>"""</c>);</item>
/// <item>anchors mean what they mean in ECMA-262: a branch without <c>^</c> (or <c>$</c>) may have any text before
/// (or after) it, so <c>[0-9]+</c> is "contains a digit" and <c>^A|B$</c> is "starts with A or ends with B"
/// (llama.cpp accepts any string for the first and reads the second as <c>^(A|B)$</c>);</item>
/// <item><c>\d</c>, <c>\w</c>, <c>\s</c> (and their negations), <c>\f</c>, <c>\v</c>, <c>\0</c>, <c>\cX</c> and
/// identity escapes of punctuation are supported (llama.cpp gives up on them and accepts any string);</item>
/// <item>a quantifier after an escaped character applies to that character only (llama.cpp applies it to the whole
/// literal before it); a lazy quantifier (<c>*?</c>) is the same language as the greedy one.</item>
/// </list>
/// Lookarounds, backreferences, word boundaries, named groups and inline flags are unsupported: the caller then
/// accepts any string, as llama.cpp does.
/// </summary>
internal sealed class PatternConverter
{
    private const int MaxDepth = 100;
    private const string NonLiteral = "|.()[]{}*+?^$";
    private const string EscapedInRegexpsButNotInLiterals = "^$.[]()|{}*+?";
    // The escapes GBNF reads in classes and literals as the regex does (not \-: LLamaSharp 0.30.0's llama.cpp refuses it).
    private const string GbnfEscapes = "xuUtrn\\\"[]";

    private static readonly (int Lo, int Hi)[] s_digits = [('0', '9')];
    private static readonly (int Lo, int Hi)[] s_word = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
    private static readonly (int Lo, int Hi)[] s_space =
    [
        (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
        (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF),
    ];

    private static readonly (int Lo, int Hi)[] s_jsonSpecials = [(0x00, 0x1F), ('"', '"'), ('\\', '\\')];

    private readonly SchemaGrammarConverter _owner;
    private readonly string _pattern;
    private readonly string _name;
    private readonly bool _json;
    private readonly Dictionary<string, string> _subRuleIds = new(StringComparer.Ordinal);
    private int _i;
    private int _depth;

    private PatternConverter(SchemaGrammarConverter owner, string pattern, string name, bool json)
    {
        _owner = owner;
        _pattern = pattern;
        _name = name;
        _json = json;
    }

    /// <summary>
    /// Returns the GBNF of the texts matching <paramref name="pattern"/>: as the content of a JSON string (without its
    /// quotes) when <paramref name="json"/>, else as raw text.
    /// </summary>
    /// <exception cref="PatternException">The pattern is invalid, or uses a feature without a grammar equivalent.</exception>
    public static string Convert(SchemaGrammarConverter owner, string pattern, string name, bool json)
    {
        CheckStructure(pattern);
        var converter = new PatternConverter(owner, pattern, name, json);
        var rule = converter.TransformTop();
        if (converter._depth != 0)
        {
            throw new PatternException("unbalanced parentheses", invalid: true);
        }

        return rule;
    }

    // Errors that make the pattern invalid in any regex flavour, found before an unsupported feature could hide them.
    private static void CheckStructure(string pattern)
    {
        var depth = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\' when i == pattern.Length - 1:
                    throw new PatternException("trailing backslash", invalid: true);
                case '\\':
                    i++;
                    break;
                case '[' when !inClass:
                    inClass = true;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        i++;
                    }

                    break;
                case ']' when inClass:
                    inClass = false;
                    break;
                case '(' when !inClass:
                    depth++;
                    break;
                case ')' when !inClass:
                    if (--depth < 0)
                    {
                        throw new PatternException("unbalanced parentheses", invalid: true);
                    }

                    break;
            }
        }

        if (inClass)
        {
            throw new PatternException("unterminated character class", invalid: true);
        }

        if (depth != 0)
        {
            throw new PatternException("unbalanced parentheses", invalid: true);
        }
    }

    private int Length => _pattern.Length;

    private char At(int i) => i < _pattern.Length ? _pattern[i] : '\0';

    private static string ToRule((string Text, bool IsLiteral) item) => item.IsLiteral ? "\"" + item.Text + "\"" : item.Text;

    // Joins a sequence, merging consecutive literals.
    private static string Join(List<(string Text, bool IsLiteral)> seq)
    {
        var parts = new List<string>();
        var literal = new StringBuilder();
        foreach (var (text, isLiteral) in seq)
        {
            if (isLiteral)
            {
                literal.Append(text);
                continue;
            }

            if (literal.Length > 0)
            {
                parts.Add("\"" + literal + "\"");
                literal.Clear();
            }

            parts.Add(text);
        }

        if (literal.Length > 0)
        {
            parts.Add("\"" + literal + "\"");
        }

        return string.Join(" ", parts);
    }

    private string TransformTop()
    {
        var branches = new List<(string Body, bool Start, bool End)>();
        var seq = new List<(string Text, bool IsLiteral)>();
        bool start = false, end = false;
        while (_i < Length)
        {
            var c = _pattern[_i];
            if (c == '^' && seq.Count == 0 && !start)
            {
                start = true;
                _i++;
                continue;
            }

            if (c == '$' && (_i + 1 == Length || _pattern[_i + 1] == '|'))
            {
                end = true;
                _i++;
                continue;
            }

            if (c == '|')
            {
                branches.Add((Join(seq), start, end));
                seq = [];
                start = end = false;
                _i++;
                continue;
            }

            if (end)
            {
                throw new PatternException("anchor inside the pattern", invalid: false);
            }

            if (c == ')')
            {
                throw new PatternException("unbalanced parentheses", invalid: true);
            }

            Step(seq);
        }

        branches.Add((Join(seq), start, end));
        string Any() => _json ? _owner.AddPrimitive("char") + "*" : AnyRaw() + "*";
        var alternatives = new List<string>();
        foreach (var (body, s, e) in branches)
        {
            var parts = new List<string>();
            if (!s)
            {
                parts.Add(Any());
            }

            if (body.Length > 0)
            {
                parts.Add(body);
            }

            if (!e && (s || body.Length > 0))
            {
                parts.Add(Any());
            }

            alternatives.Add(string.Join(" ", parts));
        }

        return string.Join(" | ", alternatives);
    }

    private (string Text, bool IsLiteral) TransformGroup()
    {
        var seq = new List<(string Text, bool IsLiteral)>();
        while (_i < Length)
        {
            var c = _pattern[_i];
            if (c == ')')
            {
                _i++;
                _depth--;
                return (Join(seq), false);
            }

            if (c == '|')
            {
                seq.Add(("|", false));
                _i++;
                continue;
            }

            if (c is '^' or '$')
            {
                throw new PatternException("anchor inside the pattern", invalid: false);
            }

            Step(seq);
        }

        return (Join(seq), false);
    }

    // One atom, quantifier or literal run.
    private void Step(List<(string Text, bool IsLiteral)> seq)
    {
        var c = _pattern[_i];
        switch (c)
        {
            case '.':
                seq.Add((Dot(), false));
                _i++;
                return;
            case '(':
                _i++;
                if (At(_i) == '?')
                {
                    if (At(_i + 1) != ':')
                    {
                        // Lookaround, named group, inline flags.
                        throw new PatternException("unsupported group syntax", invalid: false);
                    }

                    _i += 2;
                }

                if (++_depth > MaxDepth)
                {
                    throw new PatternException("pattern nesting too deep", invalid: false);
                }

                seq.Add(("(" + ToRule(TransformGroup()) + ")", false));
                return;
            case '[':
                seq.Add((CharacterClass(), false));
                return;
            case '*' or '+' or '?':
                if (seq.Count == 0)
                {
                    throw new PatternException("nothing to repeat", invalid: true);
                }

                seq[^1] = (ToRule(seq[^1]) + c, false);
                _i++;
                SkipLazy();
                return;
            case '{':
                Repetition(seq);
                return;
            default:
                LiteralRun(seq);
                return;
        }
    }

    private void SkipLazy()
    {
        // A lazy quantifier matches the same strings as the greedy one.
        if (At(_i) == '?' && _i < Length)
        {
            _i++;
        }
    }

    private void Repetition(List<(string Text, bool IsLiteral)> seq)
    {
        var close = _pattern.IndexOf('}', _i);
        if (close < 0)
        {
            throw new PatternException("unterminated curly brackets", invalid: false);
        }

        var nums = _pattern[(_i + 1)..close].Split(',');
        _i = close + 1;
        int min = 0, max = int.MaxValue;
        if (nums.Length is not (1 or 2))
        {
            throw new PatternException("wrong number of values in curly brackets", invalid: false);
        }

        static int ParseCount(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new PatternException("invalid number in curly brackets", invalid: false);
        if (nums.Length == 1)
        {
            min = max = ParseCount(nums[0]);
        }
        else
        {
            if (nums[0].Length > 0)
            {
                min = ParseCount(nums[0]);
            }

            if (nums[1].Length > 0)
            {
                max = ParseCount(nums[1]);
            }
        }

        if (min > max)
        {
            throw new PatternException("numbers out of order in {} quantifier", invalid: true);
        }

        if (seq.Count == 0)
        {
            throw new PatternException("nothing to repeat", invalid: true);
        }

        var (sub, isLiteral) = seq[^1];
        if (!isLiteral)
        {
            if (!_subRuleIds.TryGetValue(sub, out var id))
            {
                id = _owner.AddRule(_name + "-" + (_subRuleIds.Count + 1).ToString(CultureInfo.InvariantCulture), sub);
                _subRuleIds[sub] = id;
            }

            sub = id;
        }

        seq[^1] = (SchemaGrammarConverter.Repetition(isLiteral ? "\"" + sub + "\"" : sub, min, max), false);
        SkipLazy();
    }

    private void LiteralRun(List<(string Text, bool IsLiteral)> seq)
    {
        var literal = new StringBuilder();
        while (_i < Length)
        {
            var c = _pattern[_i];
            if (c == '\\')
            {
                if (_i == Length - 1)
                {
                    throw new PatternException("trailing backslash", invalid: true);
                }

                var escape = ReadEscape(_i, inClass: false);
                if (escape.Set is { } set)
                {
                    if (literal.Length > 0)
                    {
                        break;
                    }

                    _i = escape.Next;
                    seq.Add((SetRule(set), false));
                    return;
                }

                if (literal.Length > 0 && IsQuantifier(At(escape.Next)))
                {
                    break;
                }

                AppendLiteral(literal, escape.CodePoint, escape.Verbatim);
                _i = escape.Next;
                continue;
            }

            var rune = Rune.GetRuneAt(_pattern, _i);
            var next = _i + rune.Utf16SequenceLength;
            if (NonLiteral.Contains(c, StringComparison.Ordinal))
            {
                break;
            }

            if (next >= Length || literal.Length == 0 || At(next) == '.' || !NonLiteral.Contains(At(next), StringComparison.Ordinal))
            {
                AppendLiteral(literal, rune.Value, verbatim: null);
                _i = next;
                continue;
            }

            break;
        }

        if (literal.Length == 0)
        {
            // Nothing was consumed: a stray ']' or '}'.
            throw new PatternException("unsupported character: " + _pattern[_i], invalid: false);
        }

        seq.Add((literal.ToString(), true));
    }

    private static bool IsQuantifier(char c) => c is '*' or '+' or '?' or '{';

    private void AppendLiteral(StringBuilder literal, int cp, string? verbatim)
    {
        if (_json && IsJsonSpecial(cp))
        {
            // The JSON text of the character: \" \\ \n … or \u00XX, each character of it a GBNF literal character.
            foreach (var ch in JsonEscape(cp))
            {
                Gbnf.AppendLiteralRune(literal, ch);
            }

            return;
        }

        if (verbatim is not null)
        {
            literal.Append(verbatim);
            return;
        }

        Gbnf.AppendLiteralRune(literal, cp);
    }

    private static bool IsJsonSpecial(int cp) => cp < 0x20 || cp == '"' || cp == '\\';

    private static string JsonEscape(int cp) => cp switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => "\\u" + cp.ToString("x4", CultureInfo.InvariantCulture),
    };

    // Verbatim: the escape as GBNF writes the same character in a literal; GbnfCompatible: GBNF reads it the same way in a class.
    private readonly record struct Escape(int CodePoint, IReadOnlyList<(int Lo, int Hi)>? Set, string? Verbatim, int Next, bool GbnfCompatible);

    // Reads the escape at pattern[at] == '\\'.
    private Escape ReadEscape(int at, bool inClass)
    {
        var e = At(at + 1);
        var next = at + 2;
        switch (e)
        {
            case 'd': return new Escape(0, s_digits, null, next, false);
            case 'D': return new Escape(0, CodePointSet.Complement(s_digits), null, next, false);
            case 'w': return new Escape(0, s_word, null, next, false);
            case 'W': return new Escape(0, CodePointSet.Complement(s_word), null, next, false);
            case 's': return new Escape(0, s_space, null, next, false);
            case 'S': return new Escape(0, CodePointSet.Complement(s_space), null, next, false);
            case 't': return new Escape('\t', null, "\\t", next, true);
            case 'n': return new Escape('\n', null, "\\n", next, true);
            case 'r': return new Escape('\r', null, "\\r", next, true);
            case 'f': return new Escape('\f', null, null, next, false);
            case 'v': return new Escape('\v', null, null, next, false);
            case 'b' when inClass: return new Escape('\b', null, null, next, false);
            case '0' when !char.IsAsciiDigit(At(next)): return new Escape(0, null, null, next, false);
            case 'c' when char.IsAsciiLetter(At(next)): return new Escape(At(next) % 32, null, null, next + 1, false);
            case 'x': return Hex(at, 2);
            case 'u':
                if (At(next) == '{')
                {
                    var close = _pattern.IndexOf('}', next);
                    if (close > next + 1 && int.TryParse(_pattern.AsSpan(next + 1, close - next - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var braced) && braced <= Gbnf.MaxCodePoint)
                    {
                        return new Escape(braced, null, null, close + 1, false);
                    }

                    throw new PatternException("invalid \\u{…} escape", invalid: true);
                }

                var u = Hex(at, 4);

                // A surrogate pair written as two escapes is one code point.
                if (u.CodePoint is >= 0xD800 and <= 0xDBFF && At(u.Next) == '\\' && At(u.Next + 1) == 'u')
                {
                    var low = Hex(u.Next, 4);
                    if (low.CodePoint is >= 0xDC00 and <= 0xDFFF)
                    {
                        return new Escape(char.ConvertToUtf32((char)u.CodePoint, (char)low.CodePoint), null, null, low.Next, false);
                    }
                }

                return u;
            case 'U': return Hex(at, 8);
            default:
                if (char.IsAsciiLetterOrDigit(e))
                {
                    // \b \B (word boundaries), \1 (backreferences), \k<name>, \p{…} (Unicode properties), and letters
                    // whose meaning differs between regex flavours.
                    throw new PatternException("unsupported escape: \\" + e, invalid: false);
                }

                // An identity escape of a punctuation character.
                var rune = Rune.GetRuneAt(_pattern, at + 1);
                var gbnf = GbnfEscapes.Contains(e, StringComparison.Ordinal);
                var verbatim = gbnf && !EscapedInRegexpsButNotInLiterals.Contains(e, StringComparison.Ordinal) ? "\\" + e : null;
                return new Escape(rune.Value, null, verbatim, at + 1 + rune.Utf16SequenceLength, gbnf);
        }
    }

    private Escape Hex(int at, int digits)
    {
        var start = at + 2;
        if (start + digits > Length || !int.TryParse(_pattern.AsSpan(start, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cp) || cp > Gbnf.MaxCodePoint)
        {
            throw new PatternException($"unsupported escape: {_pattern.Substring(at, Math.Min(2, Length - at))}", invalid: false);
        }

        return new Escape(cp, null, _pattern.Substring(at, 2 + digits), start + digits, true);
    }

    private string CharacterClass()
    {
        var open = _i;
        _i++;
        var negated = At(_i) == '^';
        if (negated)
        {
            _i++;
        }

        var ranges = new List<(int Lo, int Hi)>();
        var verbatim = true;
        while (_i < Length && _pattern[_i] != ']')
        {
            var (lo, loSet, loVerbatim) = ClassAtom();
            verbatim &= loVerbatim;
            if (loSet is not null)
            {
                ranges.AddRange(loSet);
                continue;
            }

            if (At(_i) == '-' && _i + 1 < Length && _pattern[_i + 1] != ']')
            {
                _i++;
                var (hi, hiSet, hiVerbatim) = ClassAtom();
                verbatim &= hiVerbatim;
                if (hiSet is not null)
                {
                    throw new PatternException("a range ends in a character class escape", invalid: false);
                }

                if (hi < lo)
                {
                    throw new PatternException("range out of order in character class", invalid: true);
                }

                ranges.Add((lo, hi));
                continue;
            }

            ranges.Add((lo, lo));
        }

        if (_i >= Length)
        {
            throw new PatternException("unterminated character class", invalid: true);
        }

        _i++;
        var set = CodePointSet.Normalize(ranges);
        if (negated)
        {
            set = CodePointSet.Complement(set);
        }

        // llama.cpp copies the class as written; do the same when that is right here.
        var safe = !_json || CodePointSet.Intersect(set, s_jsonSpecials).Count == 0;
        if (verbatim && safe && set.Count > 0)
        {
            return _pattern[open.._i];
        }

        return SetRule(set);
    }

    private (int CodePoint, IReadOnlyList<(int Lo, int Hi)>? Set, bool Verbatim) ClassAtom()
    {
        if (_pattern[_i] == '\\')
        {
            if (_i == Length - 1)
            {
                throw new PatternException("trailing backslash", invalid: true);
            }

            var escape = ReadEscape(_i, inClass: true);
            _i = escape.Next;
            return (escape.CodePoint, escape.Set, escape.GbnfCompatible);
        }

        var rune = Rune.GetRuneAt(_pattern, _i);
        _i += rune.Utf16SequenceLength;
        return (rune.Value, null, true);
    }

    // The GBNF for one character of a set: as JSON text inside a JSON string, else raw.
    private string SetRule(IReadOnlyList<(int Lo, int Hi)> set)
    {
        if (set.Count == 0)
        {
            throw new PatternException("a character class that matches nothing", invalid: false);
        }

        if (!_json)
        {
            return Gbnf.CharClass(set);
        }

        var alternatives = new List<string>();
        var plain = CodePointSet.Subtract(set, s_jsonSpecials);
        if (plain.Count > 0)
        {
            alternatives.Add(Gbnf.CharClass(plain));
        }

        if (CodePointSet.Contains(set, '"'))
        {
            alternatives.Add("\"\\\\\\\"\"");
        }

        if (CodePointSet.Contains(set, '\\'))
        {
            alternatives.Add("\"\\\\\\\\\"");
        }

        // Control characters: the short escapes, then \u00XX for the others.
        var shortForms = new StringBuilder();
        foreach (var (cp, letter) in new[] { ('\b', 'b'), ('\t', 't'), ('\n', 'n'), ('\f', 'f'), ('\r', 'r') })
        {
            if (CodePointSet.Contains(set, cp))
            {
                shortForms.Append(letter);
            }
        }

        if (shortForms.Length > 0)
        {
            alternatives.Add("\"\\\\\" [" + shortForms + "]");
        }

        var hexAlternatives = new List<string>();
        for (var high = 0; high < 2; high++)
        {
            var lows = new List<(int Lo, int Hi)>();
            for (var low = 0; low < 16; low++)
            {
                var cp = (high * 16) + low;
                if (cp is not ('\b' or '\t' or '\n' or '\f' or '\r') && CodePointSet.Contains(set, cp))
                {
                    var digit = "0123456789abcdef"[low];
                    lows.Add((digit, digit));
                    if (char.IsAsciiLetter(digit))
                    {
                        lows.Add((char.ToUpperInvariant(digit), char.ToUpperInvariant(digit)));
                    }
                }
            }

            if (lows.Count > 0)
            {
                hexAlternatives.Add("[" + (char)('0' + high) + "] " + Gbnf.CharClass(CodePointSet.Normalize(lows)));
            }
        }

        if (hexAlternatives.Count > 0)
        {
            alternatives.Add("\"\\\\u00\" " + (hexAlternatives.Count == 1 ? hexAlternatives[0] : "(" + string.Join(" | ", hexAlternatives) + ")"));
        }

        return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")";
    }

    private string Dot() => _json
        ? _owner.AddRule("dot", SetRule(CodePointSet.Complement([('\n', '\n'), ('\r', '\r')])))
        : _owner.AddRule("dot", "[^\\x0A\\x0D]");

    private string AnyRaw() => _owner.AddRule("any-char", "[^\\x00]");

    /// <summary>A pattern that cannot be converted: <see cref="Invalid"/> when it is not a valid regular expression.</summary>
    internal sealed class PatternException : Exception
    {
        public PatternException()
        {
        }

        public PatternException(string message)
            : base(message)
        {
        }

        public PatternException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        public PatternException(string message, bool invalid)
            : base(message)
        {
            Invalid = invalid;
        }

        public bool Invalid { get; }
    }
}
