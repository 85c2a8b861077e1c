using System.Globalization;
using System.Text;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// GBNF for the decimal integers within inclusive bounds, digit by digit, with the output of llama.cpp's
/// <c>build_min_max_int</c>: unbounded sides allow up to 16 digits, like its <c>integral-part</c>.
/// </summary>
internal static class IntegerRangeGrammar
{
    private const int DefaultDecimals = 16;

    /// <summary>Writes the alternatives for <c>min ≤ n ≤ max</c>; <see cref="long.MinValue"/>/<see cref="long.MaxValue"/> mean unbounded.</summary>
    public static string Build(long min, long max)
    {
        var sb = new StringBuilder();
        var decimals = min > 0 && max == long.MaxValue ? Math.Max(DefaultDecimals, Digits(min).Length + 1) : DefaultDecimals;
        Build(min, max, sb, decimals, topLevel: true);
        return sb.ToString();
    }

    private static void DigitRange(StringBuilder o, char from, char to)
    {
        o.Append('[');
        o.Append(from);
        if (from != to)
        {
            o.Append('-').Append(to);
        }

        o.Append(']');
    }

    private static void MoreDigits(StringBuilder o, int minDigits, int maxDigits)
    {
        o.Append("[0-9]");
        if (minDigits == maxDigits && minDigits == 1)
        {
            return;
        }

        o.Append('{').Append(minDigits.ToString(CultureInfo.InvariantCulture));
        if (maxDigits != minDigits)
        {
            o.Append(',');
            if (maxDigits != int.MaxValue)
            {
                o.Append(maxDigits.ToString(CultureInfo.InvariantCulture));
            }
        }

        o.Append('}');
    }

    // Numbers of the same digit count from 'from' to 'to' (both as digit strings).
    private static void UniformRange(StringBuilder o, string from, string to)
    {
        var i = 0;
        while (i < from.Length && i < to.Length && from[i] == to[i])
        {
            i++;
        }

        if (i > 0)
        {
            o.Append('"').Append(from, 0, i).Append('"');
        }

        if (i >= from.Length || i >= to.Length)
        {
            return;
        }

        if (i > 0)
        {
            o.Append(' ');
        }

        var subLength = from.Length - i - 1;
        if (subLength <= 0)
        {
            o.Append('[').Append(from[i]).Append('-').Append(to[i]).Append(']');
            return;
        }

        var fromSub = from[(i + 1)..];
        var toSub = to[(i + 1)..];
        var zeros = new string('0', subLength);
        var nines = new string('9', subLength);
        var toReached = false;
        o.Append('(');
        if (fromSub == zeros)
        {
            DigitRange(o, from[i], (char)(to[i] - 1));
            o.Append(' ');
            MoreDigits(o, subLength, subLength);
        }
        else
        {
            o.Append('[').Append(from[i]).Append("] (");
            UniformRange(o, fromSub, nines);
            o.Append(')');
            if (from[i] < to[i] - 1)
            {
                o.Append(" | ");
                if (toSub == nines)
                {
                    DigitRange(o, (char)(from[i] + 1), to[i]);
                    toReached = true;
                }
                else
                {
                    DigitRange(o, (char)(from[i] + 1), (char)(to[i] - 1));
                }

                o.Append(' ');
                MoreDigits(o, subLength, subLength);
            }
        }

        if (!toReached)
        {
            o.Append(" | ");
            DigitRange(o, to[i], to[i]);
            o.Append(' ');
            UniformRange(o, zeros, toSub);
        }

        o.Append(')');
    }

    /// <summary>
    /// The digit strings that continue a number whose remaining minimum digits are <paramref name="rest"/> (leading
    /// zeros kept): longer than <paramref name="rest"/>, or as long and not smaller. llama.cpp parses the rest as a
    /// number, which loses its leading zeros (its grammar for minimum 100 accepts 10) and the first digit 0 after a 1
    /// (minimum 115 rejects 1000); this keeps its output wherever it was right.
    /// </summary>
    private static void AtLeast(string rest, StringBuilder o, int decimalsLeft)
    {
        var c = rest[0];
        var less = Math.Max(decimalsLeft - 1, 1);
        if (rest.Length == 1)
        {
            if (c == '0')
            {
                MoreDigits(o, 1, decimalsLeft);
                return;
            }

            DigitRange(o, '0', (char)(c - 1));
            o.Append(' ');
            MoreDigits(o, 1, less);
            o.Append(" | ");
            DigitRange(o, c, '9');
            o.Append(' ');
            MoreDigits(o, 0, less);
            return;
        }

        if (rest.AsSpan().IndexOfAnyExcept('0') < 0)
        {
            MoreDigits(o, rest.Length, decimalsLeft);
            return;
        }

        SplitFirstDigit(rest, '0', o, less);
    }

    // Digit strings not smaller than 'digits' (as long or longer), by their first digit: a smaller one (from 'lowest')
    // needs more digits, the same one needs the rest to be at least the rest, a larger one any as many.
    private static void SplitFirstDigit(string digits, char lowest, StringBuilder o, int less)
    {
        var c = digits[0];
        if (c > lowest)
        {
            DigitRange(o, lowest, (char)(c - 1));
            o.Append(' ');
            MoreDigits(o, digits.Length, less);
            o.Append(" | ");
        }

        DigitRange(o, c, c);
        o.Append(" (");
        AtLeast(digits[1..], o, less);
        o.Append(')');
        if (c < '9')
        {
            o.Append(" | ");
            DigitRange(o, (char)(c + 1), '9');
            o.Append(' ');
            MoreDigits(o, digits.Length - 1, less);
        }
    }

    private static string Digits(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Build(long min, long max, StringBuilder o, int decimalsLeft, bool topLevel)
    {
        var hasMin = min != long.MinValue;
        var hasMax = max != long.MaxValue;
        if (hasMin && hasMax)
        {
            if (min < 0 && max < 0)
            {
                o.Append("\"-\" (");
                Build(-max, -min, o, decimalsLeft, topLevel: true);
                o.Append(')');
                return;
            }

            if (min < 0)
            {
                o.Append("\"-\" (");
                Build(0, -min, o, decimalsLeft, topLevel: true);
                o.Append(") | ");
                min = 0;
            }

            var minS = Digits(min);
            var maxS = Digits(max);
            for (var digits = minS.Length; digits < maxS.Length; digits++)
            {
                UniformRange(o, minS, new string('9', digits));
                minS = "1" + new string('0', digits);
                o.Append(" | ");
            }

            UniformRange(o, minS, maxS);
            return;
        }

        var lessDecimals = Math.Max(decimalsLeft - 1, 1);
        if (hasMin)
        {
            if (min < 0)
            {
                o.Append("\"-\" (");
                Build(long.MinValue, -min, o, decimalsLeft, topLevel: false);
                o.Append(") | [0] | [1-9] ");
                MoreDigits(o, 0, decimalsLeft - 1);
            }
            else if (min == 0)
            {
                o.Append("[0] | [1-9] ");
                MoreDigits(o, 0, lessDecimals);
            }
            else if (min <= 9)
            {
                var c = (char)('0' + min);
                if (c > '1')
                {
                    DigitRange(o, '1', (char)(c - 1));
                    o.Append(' ');
                    MoreDigits(o, 1, lessDecimals);
                    o.Append(" | ");
                }

                DigitRange(o, c, '9');
                o.Append(' ');
                MoreDigits(o, 0, lessDecimals);
            }
            else
            {
                SplitFirstDigit(Digits(min), '1', o, lessDecimals);
            }

            return;
        }

        if (hasMax)
        {
            if (max >= 0)
            {
                if (topLevel)
                {
                    o.Append("\"-\" [1-9] ");
                    MoreDigits(o, 0, lessDecimals);
                    o.Append(" | ");
                }

                Build(0, max, o, decimalsLeft, topLevel: true);
            }
            else
            {
                // llama.cpp continues here with leading zeros allowed ("-05"), which is not JSON; the digits after
                // the sign are a number of their own.
                o.Append("\"-\" (");
                Build(-max, long.MaxValue, o, Math.Max(decimalsLeft, Digits(-max).Length + 1), topLevel: true);
                o.Append(')');
            }

            return;
        }

        throw new ArgumentException("At least one bound must be set.");
    }
}
