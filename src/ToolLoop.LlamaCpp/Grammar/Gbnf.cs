using System.Globalization;
using System.Text;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// Writing GBNF (llama.cpp's <c>grammars/README.md</c>) text: literals, character classes, and the "until" rules the
/// call grammars need. Everything written here is parsed by <c>llama_grammar_parser</c>; only the escapes the
/// llama.cpp of LLamaSharp 0.30.0 reads are produced (<c>\x</c>, <c>\u</c>, <c>\U</c>, <c>\t</c>, <c>\r</c>, <c>\n</c>,
/// <c>\\</c>, <c>\"</c>, <c>\[</c>, <c>\]</c>): it refuses <c>\-</c>, which newer llama.cpp writes, so a hyphen in a class is
/// <c>\x2D</c>.
/// </summary>
internal static class Gbnf
{
    /// <summary>The largest Unicode code point.</summary>
    public const int MaxCodePoint = 0x10FFFF;

    /// <summary>A GBNF string literal for <paramref name="text"/> (any text: controls become <c>\x</c> escapes).</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            AppendLiteralRune(sb, rune.Value);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Appends one code point as it must appear inside a GBNF string literal.</summary>
    public static void AppendLiteralRune(StringBuilder sb, int cp)
    {
        switch (cp)
        {
            case '"': sb.Append("\\\""); break;
            case '\\': sb.Append("\\\\"); break;
            case '\n': sb.Append("\\n"); break;
            case '\r': sb.Append("\\r"); break;
            case '\t': sb.Append("\\t"); break;
            default:
                if (cp < 0x20 || cp == 0x7F)
                {
                    sb.Append("\\x").Append(cp.ToString("X2", CultureInfo.InvariantCulture));
                }
                else if (cp is >= 0xD800 and <= 0xDFFF)
                {
                    // A lone surrogate cannot be written as UTF-8; the grammar reads code points.
                    sb.Append("\\u").Append(cp.ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(char.ConvertFromUtf32(cp));
                }

                break;
        }
    }

    /// <summary>Appends one code point as it must appear inside a GBNF character class.</summary>
    public static void AppendClassRune(StringBuilder sb, int cp, bool first)
    {
        switch (cp)
        {
            case '\\': sb.Append("\\\\"); break;
            case ']': sb.Append("\\]"); break;
            case '[': sb.Append("\\["); break;
            case '-': sb.Append("\\x2D"); break;
            case '"': sb.Append('"'); break;
            case '\n': sb.Append("\\n"); break;
            case '\r': sb.Append("\\r"); break;
            case '\t': sb.Append("\\t"); break;
            case '^' when first: sb.Append("\\x5E"); break;
            default:
                if (cp < 0x20 || cp == 0x7F)
                {
                    sb.Append("\\x").Append(cp.ToString("X2", CultureInfo.InvariantCulture));
                }
                else if (cp is >= 0xD800 and <= 0xDFFF or > 0xFFFF)
                {
                    sb.Append(cp > 0xFFFF ? "\\U" + cp.ToString("X8", CultureInfo.InvariantCulture) : "\\u" + cp.ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append((char)cp);
                }

                break;
        }
    }

    /// <summary>
    /// A character class for a set of code points given as sorted, disjoint, inclusive ranges. Written negated when
    /// that is shorter (a set covering most of Unicode).
    /// </summary>
    public static string CharClass(IReadOnlyList<(int Lo, int Hi)> ranges)
    {
        var complement = CodePointSet.Complement(ranges);
        var negate = complement.Count < ranges.Count || (complement.Count == ranges.Count && Size(complement) < Size(ranges));
        var items = negate ? complement : ranges;
        var sb = new StringBuilder("[");
        if (negate)
        {
            sb.Append('^');
        }

        var first = !negate;
        foreach (var (lo, hi) in items)
        {
            AppendClassRune(sb, lo, first);
            first = false;
            if (hi > lo)
            {
                if (hi > lo + 1)
                {
                    sb.Append('-');
                }

                AppendClassRune(sb, hi, first: false);
            }
        }

        return sb.Append(']').ToString();
    }

    private static long Size(IReadOnlyList<(int Lo, int Hi)> ranges)
    {
        long n = 0;
        foreach (var (lo, hi) in ranges)
        {
            n += hi - lo + 1L;
        }

        return n;
    }
}
