using System.Globalization;
using System.Text;

namespace ToolLoop;

/// <summary>
/// Tokenizes a template the way Jinja2's lexer does with <c>trim_blocks</c> and <c>lstrip_blocks</c>
/// on (Hugging Face's settings): newline normalisation, removal of one trailing newline,
/// <c>{%- -%}</c> / <c>{%+ +%}</c> whitespace control, comments, <c>raw</c> blocks, and end
/// delimiters ignored while brackets are open.
/// </summary>
internal sealed class JinjaLexer
{
    private static readonly string[] s_operators =
    [
        "//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
    ];

    private readonly string _src;
    private readonly List<JinjaToken> _tokens = [];
    private readonly int[] _lineStarts;
    private int _pos;
    private bool _lineStarting = true;

    private JinjaLexer(string source)
    {
        _src = source;
        var starts = new List<int> { 0 };
        for (int i = 0; i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];
    }

    public string Source => _src;

    /// <summary>Normalises newlines (\r\n, \r to \n) and drops one trailing newline, as Jinja2 does by default.</summary>
    public static string Normalize(string source)
    {
        if (source.Contains('\r', StringComparison.Ordinal))
        {
            source = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        if (source.EndsWith('\n'))
        {
            source = source[..^1];
        }

        return source;
    }

    public static (List<JinjaToken> Tokens, JinjaLexer Lexer) Tokenize(string normalizedSource)
    {
        var lexer = new JinjaLexer(normalizedSource);
        lexer.Run();
        return (lexer._tokens, lexer);
    }

    public (int Line, int Column) GetLineColumn(int position)
    {
        int idx = Array.BinarySearch(_lineStarts, position);
        if (idx < 0)
        {
            idx = ~idx - 1;
        }

        return (idx + 1, position - _lineStarts[idx] + 1);
    }

    private TemplateException Error(string message, int position)
    {
        var (line, col) = GetLineColumn(position);
        return new TemplateException(message, line, col);
    }

    private void Run()
    {
        while (_pos < _src.Length)
        {
            int tagAt = FindTagStart(_pos);
            if (tagAt < 0)
            {
                AddData(_src[_pos..], _pos);
                _pos = _src.Length;
                _lineStarting = _src[^1] == '\n';
                break;
            }

            char kind = _src[tagAt + 1];
            string text = _src[_pos..tagAt];
            int textStart = _pos;

            // {% raw %} is matched before the plain block opener.
            if (kind == '%' && TryMatchRawBegin(tagAt, out int rawBodyStart, out char rawSign))
            {
                AddData(ApplyLStrip(text, rawSign, isVariable: false), textStart);
                _pos = rawBodyStart;
                LexRawBody(tagAt);
                continue;
            }

            int after = tagAt + 2;
            char sign = after < _src.Length && (_src[after] == '-' || _src[after] == '+') ? _src[after] : '\0';
            if (sign != '\0')
            {
                after++;
            }

            AddData(ApplyLStrip(text, sign, isVariable: kind == '{'), textStart);
            _pos = after;
            _lineStarting = false;
            switch (kind)
            {
                case '#':
                    LexComment(tagAt);
                    break;
                case '%':
                    _tokens.Add(new JinjaToken(JinjaTokenKind.BlockBegin, "{%", tagAt));
                    LexTagContents(isBlock: true, tagAt);
                    break;
                default:
                    _tokens.Add(new JinjaToken(JinjaTokenKind.VariableBegin, "{{", tagAt));
                    LexTagContents(isBlock: false, tagAt);
                    break;
            }
        }

        _tokens.Add(new JinjaToken(JinjaTokenKind.Eof, "", _src.Length));
    }

    private int FindTagStart(int from)
    {
        int i = from;
        while (true)
        {
            i = _src.IndexOf('{', i);
            if (i < 0 || i + 1 >= _src.Length)
            {
                return -1;
            }

            char c = _src[i + 1];
            if (c == '{' || c == '%' || c == '#')
            {
                return i;
            }

            i++;
        }
    }

    private void AddData(string text, int position)
    {
        if (text.Length > 0)
        {
            _tokens.Add(new JinjaToken(JinjaTokenKind.Data, text, position));
        }
    }

    /// <summary>Jinja2's OptionalLStrip: <c>-</c> strips all trailing whitespace; otherwise lstrip_blocks
    /// removes spaces and tabs between the last newline and a block or comment tag.</summary>
    private string ApplyLStrip(string text, char sign, bool isVariable)
    {
        if (sign == '-')
        {
            return RStripPython(text);
        }

        if (sign != '+' && !isVariable)
        {
            int lpos = text.LastIndexOf('\n') + 1;
            if (lpos > 0 || _lineStarting)
            {
                bool onlyBlank = true;
                for (int i = lpos; i < text.Length; i++)
                {
                    if (text[i] != ' ' && text[i] != '\t')
                    {
                        onlyBlank = false;
                        break;
                    }
                }

                if (onlyBlank)
                {
                    return text[..lpos];
                }
            }
        }

        return text;
    }

    internal static string RStripPython(string text)
    {
        int end = text.Length;
        while (end > 0 && Py.IsPyWhitespace(text[end - 1]))
        {
            end--;
        }

        return text[..end];
    }

    private int SkipPyWhitespace(int i)
    {
        while (i < _src.Length && Py.IsPyWhitespace(_src[i]))
        {
            i++;
        }

        return i;
    }

    private bool TryMatchRawBegin(int tagAt, out int bodyStart, out char sign)
    {
        bodyStart = 0;
        int i = tagAt + 2;
        sign = '\0';
        if (i < _src.Length && (_src[i] == '-' || _src[i] == '+'))
        {
            sign = _src[i];
            i++;
        }

        i = SkipPyWhitespace(i);
        if (string.CompareOrdinal(_src, i, "raw", 0, 3) != 0)
        {
            return false;
        }

        i = SkipPyWhitespace(i + 3);
        if (i + 2 < _src.Length + 0 && _src[i] == '-' && string.CompareOrdinal(_src, i + 1, "%}", 0, 2) == 0)
        {
            bodyStart = SkipPyWhitespace(i + 3);
            return true;
        }

        if (string.CompareOrdinal(_src, i, "%}", 0, 2) == 0)
        {
            bodyStart = i + 2;
            return true;
        }

        return false;
    }

    private void LexRawBody(int rawTagAt)
    {
        int search = _pos;
        while (true)
        {
            int open = _src.IndexOf("{%", search, StringComparison.Ordinal);
            if (open < 0)
            {
                throw Error("Missing end of raw directive", rawTagAt);
            }

            int i = open + 2;
            char sign = '\0';
            if (i < _src.Length && (_src[i] == '-' || _src[i] == '+'))
            {
                sign = _src[i];
                i++;
            }

            i = SkipPyWhitespace(i);
            if (string.CompareOrdinal(_src, i, "endraw", 0, 6) == 0)
            {
                int j = SkipPyWhitespace(i + 6);
                if (TryMatchBlockEnd(j, out int endPos))
                {
                    string body = _src[_pos..open];
                    AddData(ApplyLStrip(body, sign, isVariable: false), _pos);
                    _pos = endPos;
                    _lineStarting = endPos > 0 && _src[endPos - 1] == '\n';
                    return;
                }
            }

            search = open + 2;
        }
    }

    /// <summary>Matches <c>+%}</c>, <c>-%}\s*</c> or <c>%}\n?</c> (trim_blocks) at <paramref name="i"/>.</summary>
    private bool TryMatchBlockEnd(int i, out int endPos) => TryMatchEnd(i, '%', trim: true, out endPos);

    private bool TryMatchEnd(int i, char delim, bool trim, out int endPos)
    {
        endPos = 0;
        if (i >= _src.Length)
        {
            return false;
        }

        char c = _src[i];
        if ((c == '+' || c == '-') && i + 2 < _src.Length + 0 && _src[i + 1] == delim && _src[i + 2] == '}')
        {
            if (c == '+' && delim == '}')
            {
                return false; // variables have no "+}}" form
            }

            endPos = c == '-' ? SkipPyWhitespace(i + 3) : i + 3;
            return true;
        }

        if (c == delim && i + 1 < _src.Length && _src[i + 1] == '}')
        {
            endPos = i + 2;
            if (trim && endPos < _src.Length && _src[endPos] == '\n')
            {
                endPos++;
            }

            return true;
        }

        return false;
    }

    private void LexComment(int tagAt)
    {
        int search = _pos;
        while (true)
        {
            int close = _src.IndexOf("#}", search, StringComparison.Ordinal);
            if (close < 0)
            {
                throw Error("Missing end of comment tag", tagAt);
            }

            int start = close > _pos && (_src[close - 1] == '-' || _src[close - 1] == '+') ? close - 1 : close;
            if (TryMatchEnd(start, '#', trim: true, out int endPos))
            {
                _pos = endPos;
                _lineStarting = endPos > 0 && _src[endPos - 1] == '\n';
                return;
            }

            search = close + 1;
        }
    }

    private void LexTagContents(bool isBlock, int tagAt)
    {
        int depth = 0;
        while (true)
        {
            if (_pos >= _src.Length)
            {
                throw Error(isBlock ? "Unexpected end of template: missing '%}'" : "Unexpected end of template: missing '}}'", tagAt);
            }

            if (depth == 0)
            {
                if (isBlock && TryMatchBlockEnd(_pos, out int endPos))
                {
                    _tokens.Add(new JinjaToken(JinjaTokenKind.BlockEnd, "%}", _pos));
                    _pos = endPos;
                    _lineStarting = _src[endPos - 1] == '\n';
                    return;
                }

                if (!isBlock && TryMatchEnd(_pos, '}', trim: false, out endPos))
                {
                    _tokens.Add(new JinjaToken(JinjaTokenKind.VariableEnd, "}}", _pos));
                    _pos = endPos;
                    _lineStarting = _src[endPos - 1] == '\n';
                    return;
                }
            }

            char c = _src[_pos];
            if (Py.IsPyWhitespace(c))
            {
                _pos = SkipPyWhitespace(_pos);
                _lineStarting = _src[_pos - 1] == '\n';
                continue;
            }

            _lineStarting = false;
            int start = _pos;
            if (char.IsAsciiDigit(c))
            {
                LexNumber();
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                int i = _pos + 1;
                while (i < _src.Length && (char.IsAsciiLetterOrDigit(_src[i]) || _src[i] == '_'))
                {
                    i++;
                }

                _tokens.Add(new JinjaToken(JinjaTokenKind.Name, _src[_pos..i], start));
                _pos = i;
                continue;
            }

            if (c == '\'' || c == '"')
            {
                LexString(c);
                continue;
            }

            string? op = null;
            foreach (string candidate in s_operators)
            {
                if (string.CompareOrdinal(_src, _pos, candidate, 0, candidate.Length) == 0)
                {
                    op = candidate;
                    break;
                }
            }

            if (op is null)
            {
                throw Error($"unexpected char '{c}'", _pos);
            }

            if (op is "(" or "[" or "{")
            {
                depth++;
            }
            else if (op is ")" or "]" or "}")
            {
                if (depth == 0)
                {
                    throw Error($"unexpected '{op}'", _pos);
                }

                depth--;
            }

            _tokens.Add(new JinjaToken(JinjaTokenKind.Operator, op, start));
            _pos += op.Length;
        }
    }

    private int ScanDigits(int i)
    {
        // (\d+_)*\d+
        int j = i;
        while (true)
        {
            int k = j;
            while (k < _src.Length && char.IsAsciiDigit(_src[k]))
            {
                k++;
            }

            if (k == j)
            {
                return j == i ? -1 : j;
            }

            j = k;
            if (j + 1 < _src.Length && _src[j] == '_' && char.IsAsciiDigit(_src[j + 1]))
            {
                j++;
                continue;
            }

            return j;
        }
    }

    private void LexNumber()
    {
        int start = _pos;
        if (_src[start] == '0' && start + 2 < _src.Length && "xXoObB".Contains(_src[start + 1], StringComparison.Ordinal))
        {
            int radix = char.ToLowerInvariant(_src[start + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            int j = start + 2;
            var digits = new StringBuilder();
            while (j < _src.Length && (Uri.IsHexDigit(_src[j]) || _src[j] == '_'))
            {
                if (_src[j] != '_')
                {
                    if (Convert.ToInt32(_src[j].ToString(), 16) >= radix)
                    {
                        break;
                    }

                    digits.Append(_src[j]);
                }

                j++;
            }

            if (digits.Length > 0)
            {
                if ((long)digits.Length * 4 > PyNumber.MaxIntBits)
                {
                    throw Error("integer literal too large", start);
                }

                var value = System.Numerics.BigInteger.Zero;
                foreach (char d in digits.ToString())
                {
                    value = (value * radix) + Convert.ToInt32(d.ToString(), 16);
                }

                _tokens.Add(new JinjaToken(JinjaTokenKind.Integer, _src[start..j], start, PyNumber.Normalize(value)));
                _pos = j;
                return;
            }
        }

        bool afterDot = start > 0 && _src[start - 1] == '.';
        int intEnd = ScanDigits(start);
        int end = intEnd;
        bool isFloat = false;
        if (!afterDot)
        {
            int i = intEnd;
            if (i + 1 < _src.Length && _src[i] == '.' && char.IsAsciiDigit(_src[i + 1]))
            {
                int fracEnd = ScanDigits(i + 1);
                i = fracEnd;
                isFloat = true;
                end = fracEnd;
            }

            if (i < _src.Length && (_src[i] == 'e' || _src[i] == 'E'))
            {
                int k = i + 1;
                if (k < _src.Length && (_src[k] == '+' || _src[k] == '-'))
                {
                    k++;
                }

                int expEnd = ScanDigits(k);
                if (expEnd > 0)
                {
                    isFloat = true;
                    end = expEnd;
                }
            }
        }

        string text = _src[start..end].Replace("_", "", StringComparison.Ordinal);
        if (isFloat)
        {
            _tokens.Add(new JinjaToken(JinjaTokenKind.Float, text, start, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        else
        {
            // Python ints have no size limit, but converting more than 4300 decimal digits raises.
            if (text.Length > PyNumber.MaxStrDigits)
            {
                throw Error($"integer literal of more than {PyNumber.MaxStrDigits} digits", start);
            }

            object value = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long l)
                ? l
                : PyNumber.Normalize(System.Numerics.BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
            _tokens.Add(new JinjaToken(JinjaTokenKind.Integer, text, start, value));
        }

        _pos = end;
    }

    private void LexString(char quote)
    {
        int start = _pos;
        var sb = new StringBuilder();
        int i = _pos + 1;
        while (true)
        {
            if (i >= _src.Length)
            {
                throw Error("unexpected end of string", start);
            }

            char c = _src[i];
            if (c == quote)
            {
                i++;
                break;
            }

            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= _src.Length)
            {
                throw Error("unexpected end of string", start);
            }

            char e = _src[i + 1];
            i += 2;
            switch (e)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x':
                    i = AppendHexEscape(sb, i, 2, start);
                    break;
                case 'u':
                    i = AppendHexEscape(sb, i, 4, start);
                    break;
                case 'U':
                    i = AppendHexEscape(sb, i, 8, start);
                    break;
                case >= '0' and <= '7':
                    {
                        int v = e - '0';
                        int n = 1;
                        while (n < 3 && i < _src.Length && _src[i] >= '0' && _src[i] <= '7')
                        {
                            v = (v * 8) + (_src[i] - '0');
                            i++;
                            n++;
                        }

                        sb.Append(char.ConvertFromUtf32(v));
                        break;
                    }

                default:
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        _tokens.Add(new JinjaToken(JinjaTokenKind.String, _src[start..i], start, sb.ToString()));
        _pos = i;
    }

    private int AppendHexEscape(StringBuilder sb, int i, int digits, int start)
    {
        if (i + digits > _src.Length || !int.TryParse(_src.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v) || v > 0x10FFFF)
        {
            throw Error("invalid escape in string literal", start);
        }

        sb.Append(v is >= 0xD800 and <= 0xDFFF ? ((char)v).ToString() : char.ConvertFromUtf32(v));
        return i + digits;
    }
}
