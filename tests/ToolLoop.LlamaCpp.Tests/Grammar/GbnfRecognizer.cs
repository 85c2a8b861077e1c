using System.Globalization;
using System.Text;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// A small GBNF parser and recognizer, written from llama.cpp's <c>grammars/README.md</c> and independent of the
/// converter under test: it decides whether a grammar's root derives a text. Rules, alternatives, literals, classes
/// (negated too), groups, <c>.</c>, and the repetitions <c>* + ? {m} {m,} {m,n}</c>. Matching computes the set of
/// end positions of each expression at each start position (memoised per rule), which is exact for the
/// non-left-recursive grammars llama.cpp accepts.
/// </summary>
public sealed class GbnfRecognizer
{
    private readonly Dictionary<string, Node> _rules = new(StringComparer.Ordinal);
    private int[] _input = [];
    private Dictionary<(string, int), HashSet<int>?> _memo = [];

    private GbnfRecognizer()
    {
    }

    public IReadOnlyCollection<string> RuleNames => _rules.Keys;

    /// <summary>Parses a grammar; throws <see cref="FormatException"/> for a syntax error or an undefined rule.</summary>
    public static GbnfRecognizer Parse(string grammar)
    {
        var recognizer = new GbnfRecognizer();
        new Parser(grammar, recognizer._rules).ParseAll();
        foreach (var name in recognizer._rules.Values.SelectMany(References))
        {
            if (!recognizer._rules.ContainsKey(name))
            {
                throw new FormatException($"Undefined rule identifier '{name}'.");
            }
        }

        return recognizer;
    }

    /// <summary>Whether <paramref name="root"/> derives exactly <paramref name="text"/>.</summary>
    public bool Accepts(string text, string root = "root")
    {
        if (!_rules.ContainsKey(root))
        {
            throw new ArgumentException($"No rule '{root}'.", nameof(root));
        }

        _input = [.. text.EnumerateRunes().Select(r => r.Value)];
        _memo = [];
        return Ends(new RefNode(root), 0).Contains(_input.Length);
    }

    /// <summary>Whether some text that starts with <paramref name="prefix"/> is derived (the grammar can continue it).</summary>
    public bool AcceptsPrefix(string prefix, string root = "root")
    {
        _input = [.. prefix.EnumerateRunes().Select(r => r.Value)];
        _memo = [];
        _prefixMode = true;
        try
        {
            return Ends(new RefNode(root), 0).Contains(_input.Length);
        }
        finally
        {
            _prefixMode = false;
        }
    }

    private bool _prefixMode;

    /// <summary>
    /// A random text the grammar derives: random alternatives and counts, the shortest derivations once deep, and
    /// characters of a class drawn from a pool of ASCII, non-ASCII, quote, backslash and control characters.
    /// </summary>
    public string Sample(Random random, string root = "root")
    {
        var sb = new StringBuilder();
        _minLength = new(ReferenceEqualityComparer.Instance);
        Generate(new RefNode(root), random, sb, 0);
        return sb.ToString();
    }

    private static readonly int[] s_pool =
    [
        .. Enumerable.Range(0x20, 0x5F), '\n', '\t', '\r', 0x01, 0x1F, 0x7F, 0xE9, 0x65E5, 0x1F600, 0xFF5C,
    ];

    private Dictionary<Node, int> _minLength = new(ReferenceEqualityComparer.Instance);

    // The length of a node's shortest derivation (a fixed point over the rules).
    private int MinLength(Node node, HashSet<string> visiting)
    {
        if (_minLength.TryGetValue(node, out var known))
        {
            return known;
        }

        var result = node switch
        {
            LiteralNode lit => lit.CodePoints.Length,
            ClassNode => 1,
            RefNode r => visiting.Add(r.Name) ? MinLengthOfRule(r.Name, visiting) : 1_000_000,
            SeqNode seq => seq.Items.Sum(i => Math.Min(MinLength(i, visiting), 1_000_000)),
            AltNode alt => alt.Alternatives.Min(a => MinLength(a, visiting)),
            RepeatNode rep => rep.Min == 0 ? 0 : Math.Min(1_000_000, rep.Min * MinLength(rep.Item, visiting)),
            _ => 0,
        };
        if (node is not RefNode || result < 1_000_000)
        {
            _minLength[node] = result;
        }

        return result;
    }

    private int MinLengthOfRule(string name, HashSet<string> visiting)
    {
        try
        {
            return MinLength(_rules[name], visiting);
        }
        finally
        {
            visiting.Remove(name);
        }
    }

    private void Generate(Node node, Random random, StringBuilder sb, int depth)
    {
        var deep = depth > 40;
        switch (node)
        {
            case LiteralNode lit:
                foreach (var cp in lit.CodePoints)
                {
                    sb.Append(char.ConvertFromUtf32(cp));
                }

                break;
            case ClassNode cls:
                var choices = s_pool.Where(cls.Matches).ToList();
                if (!cls.Negated)
                {
                    foreach (var (lo, hi) in cls.Ranges)
                    {
                        choices.Add(lo);
                        choices.Add(hi);
                    }
                }

                choices = [.. choices.Where(cp => cls.Matches(cp) && cp is not (>= 0xD800 and <= 0xDFFF))];
                sb.Append(char.ConvertFromUtf32(choices[random.Next(choices.Count)]));
                break;
            case RefNode r:
                Generate(_rules[r.Name], random, sb, depth + 1);
                break;
            case SeqNode seq:
                foreach (var item in seq.Items)
                {
                    Generate(item, random, sb, depth + 1);
                }

                break;
            case AltNode alt:
                var pick = deep
                    ? alt.Alternatives.MinBy(a => MinLength(a, new HashSet<string>(StringComparer.Ordinal)))!
                    : alt.Alternatives[random.Next(alt.Alternatives.Count)];
                Generate(pick, random, sb, depth + 1);
                break;
            case RepeatNode rep:
                var max = rep.Max == int.MaxValue ? rep.Min + 3 : Math.Min(rep.Max, rep.Min + 3);
                var count = deep ? rep.Min : random.Next(rep.Min, max + 1);
                for (var k = 0; k < count; k++)
                {
                    Generate(rep.Item, random, sb, depth + 1);
                }

                break;
        }
    }

    private static IEnumerable<string> References(Node node) => node switch
    {
        RefNode r => [r.Name],
        SeqNode s => s.Items.SelectMany(References),
        AltNode a => a.Alternatives.SelectMany(References),
        RepeatNode r => References(r.Item),
        _ => [],
    };

    // End positions of node matched at pos. In prefix mode, reaching the end of the input counts as a match of the
    // rest (any continuation is allowed), so the result says whether the input is a prefix of a derivable text.
    private HashSet<int> Ends(Node node, int pos)
    {
        switch (node)
        {
            case LiteralNode lit:
                for (var k = 0; k < lit.CodePoints.Length; k++)
                {
                    if (pos + k >= _input.Length)
                    {
                        return _prefixMode ? [_input.Length] : [];
                    }

                    if (_input[pos + k] != lit.CodePoints[k])
                    {
                        return [];
                    }
                }

                return [pos + lit.CodePoints.Length];
            case ClassNode cls:
                if (pos >= _input.Length)
                {
                    return _prefixMode ? [_input.Length] : [];
                }

                return cls.Matches(_input[pos]) ? [pos + 1] : [];
            case RefNode r:
                var key = (r.Name, pos);
                if (_memo.TryGetValue(key, out var cached))
                {
                    // null: in progress (a left-recursive or nullable cycle contributes nothing more).
                    return cached ?? [];
                }

                _memo[key] = null;
                var result = Ends(_rules[r.Name], pos);
                _memo[key] = result;
                return result;
            case SeqNode seq:
                var current = new HashSet<int> { pos };
                foreach (var item in seq.Items)
                {
                    var next = new HashSet<int>();
                    foreach (var p in current)
                    {
                        if (_prefixMode && p == _input.Length)
                        {
                            next.Add(p);
                            continue;
                        }

                        next.UnionWith(Ends(item, p));
                    }

                    current = next;
                    if (current.Count == 0)
                    {
                        break;
                    }
                }

                return current;
            case AltNode alt:
                var union = new HashSet<int>();
                foreach (var a in alt.Alternatives)
                {
                    union.UnionWith(Ends(a, pos));
                }

                return union;
            case RepeatNode rep:
                var results = rep.Min == 0 ? new HashSet<int> { pos } : [];
                var frontier = new HashSet<int> { pos };
                var seen = new HashSet<int>();
                for (var k = 1; k <= rep.Max && frontier.Count > 0; k++)
                {
                    var next = new HashSet<int>();
                    foreach (var p in frontier)
                    {
                        next.UnionWith(Ends(rep.Item, p));
                    }

                    if (k >= rep.Min)
                    {
                        results.UnionWith(next);
                        if (rep.Max == int.MaxValue)
                        {
                            next.ExceptWith(seen);
                            seen.UnionWith(next);
                        }
                    }

                    frontier = next;
                }

                return results;
            default:
                throw new InvalidOperationException();
        }
    }

    private abstract record Node;

    private sealed record LiteralNode(int[] CodePoints) : Node;

    private sealed record ClassNode(List<(int Lo, int Hi)> Ranges, bool Negated) : Node
    {
        public bool Matches(int cp) => Ranges.Exists(r => cp >= r.Lo && cp <= r.Hi) != Negated;
    }

    private sealed record RefNode(string Name) : Node;

    private sealed record SeqNode(List<Node> Items) : Node;

    private sealed record AltNode(List<Node> Alternatives) : Node;

    private sealed record RepeatNode(Node Item, int Min, int Max) : Node;

    private sealed class Parser(string text, Dictionary<string, Node> rules)
    {
        private int _pos;

        public void ParseAll()
        {
            SkipSpace(newlines: true);
            while (_pos < text.Length)
            {
                var name = ParseName();
                SkipSpace(newlines: false);
                Expect("::=");
                SkipSpace(newlines: true);
                var body = ParseAlternates(nested: false);
                if (!rules.TryAdd(name, body))
                {
                    // llama.cpp keeps the last definition of a name; a converter should never write one twice.
                    throw new FormatException($"Rule '{name}' is defined twice.");
                }

                if (_pos < text.Length && text[_pos] is not ('\n' or '\r'))
                {
                    throw Error("expected newline or end");
                }

                SkipSpace(newlines: true);
            }
        }

        private FormatException Error(string message) => new($"GBNF parse error at {_pos}: {message} near '{text[_pos..Math.Min(text.Length, _pos + 20)]}'.");

        private void Expect(string s)
        {
            if (string.CompareOrdinal(text, _pos, s, 0, s.Length) != 0)
            {
                throw Error($"expected '{s}'");
            }

            _pos += s.Length;
        }

        private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

        private string ParseName()
        {
            var start = _pos;
            while (_pos < text.Length && IsWordChar(text[_pos]))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw Error("expected name");
            }

            return text[start.._pos];
        }

        private void SkipSpace(bool newlines)
        {
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == '#')
                {
                    while (_pos < text.Length && text[_pos] is not ('\n' or '\r'))
                    {
                        _pos++;
                    }
                }
                else if (c is ' ' or '\t' || (newlines && c is '\n' or '\r'))
                {
                    _pos++;
                }
                else
                {
                    break;
                }
            }
        }

        private Node ParseAlternates(bool nested)
        {
            var alternatives = new List<Node> { ParseSequence(nested) };
            while (_pos < text.Length && text[_pos] == '|')
            {
                _pos++;
                SkipSpace(newlines: true);
                alternatives.Add(ParseSequence(nested));
            }

            return alternatives.Count == 1 ? alternatives[0] : new AltNode(alternatives);
        }

        private SeqNode ParseSequence(bool nested)
        {
            var items = new List<Node>();
            while (_pos < text.Length)
            {
                var c = text[_pos];
                Node item;
                if (c == '"')
                {
                    _pos++;
                    var cps = new List<int>();
                    while (_pos < text.Length && text[_pos] != '"')
                    {
                        cps.Add(ParseChar());
                    }

                    Expect("\"");
                    item = new LiteralNode([.. cps]);
                }
                else if (c == '[')
                {
                    _pos++;
                    var negated = false;
                    if (_pos < text.Length && text[_pos] == '^')
                    {
                        negated = true;
                        _pos++;
                    }

                    var ranges = new List<(int, int)>();
                    while (_pos < text.Length && text[_pos] != ']')
                    {
                        var lo = ParseChar();
                        var hi = lo;
                        if (_pos + 1 < text.Length && text[_pos] == '-' && text[_pos + 1] != ']')
                        {
                            _pos++;
                            hi = ParseChar();
                        }

                        ranges.Add((lo, hi));
                    }

                    Expect("]");
                    item = new ClassNode(ranges, negated);
                }
                else if (IsWordChar(c))
                {
                    item = new RefNode(ParseName());
                }
                else if (c == '(')
                {
                    _pos++;
                    SkipSpace(newlines: true);
                    item = ParseAlternates(nested: true);
                    Expect(")");
                }
                else if (c == '.')
                {
                    _pos++;
                    item = new ClassNode([], Negated: true);
                }
                else
                {
                    break;
                }

                SkipSpace(newlines: nested);
                while (_pos < text.Length && text[_pos] is '*' or '+' or '?' or '{')
                {
                    var op = text[_pos];
                    _pos++;
                    int min, max;
                    if (op == '{')
                    {
                        min = ParseInt();
                        max = min;
                        if (text[_pos] == ',')
                        {
                            _pos++;
                            max = text[_pos] == '}' ? int.MaxValue : ParseInt();
                        }

                        Expect("}");
                    }
                    else
                    {
                        (min, max) = op switch { '*' => (0, int.MaxValue), '+' => (1, int.MaxValue), _ => (0, 1) };
                    }

                    item = new RepeatNode(item, min, max);
                    SkipSpace(newlines: nested);
                }

                items.Add(item);
            }

            return new SeqNode(items);
        }

        private int ParseInt()
        {
            var start = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }

            if (start == _pos)
            {
                throw Error("expected number");
            }

            return int.Parse(text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture);
        }

        private int ParseChar()
        {
            if (_pos >= text.Length)
            {
                throw Error("unexpected end of input");
            }

            if (text[_pos] == '\\')
            {
                if (_pos + 1 >= text.Length)
                {
                    throw Error("unexpected end of input");
                }

                var e = text[_pos + 1];
                _pos += 2;
                switch (e)
                {
                    case 'x': return Hex(2);
                    case 'u': return Hex(4);
                    case 'U': return Hex(8);
                    case 't': return '\t';
                    case 'r': return '\r';
                    case 'n': return '\n';
                    case '\\' or '"' or '[' or ']' or '-': return e;
                    default: throw Error("unknown escape \\" + e);
                }
            }

            var rune = Rune.GetRuneAt(text, _pos);
            _pos += rune.Utf16SequenceLength;
            return rune.Value;
        }

        private int Hex(int digits)
        {
            if (_pos + digits > text.Length || !int.TryParse(text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cp))
            {
                throw Error("expecting hex digits");
            }

            _pos += digits;
            return cp;
        }
    }
}
