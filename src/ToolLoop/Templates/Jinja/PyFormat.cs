using System.Globalization;
using System.Numerics;
using System.Text;

namespace ToolLoop;

/// <summary>Python's <c>str % args</c> and <c>str.format(...)</c>: conversions, flags, widths and precisions in
/// code points, exact float digits (<see cref="PyNumber"/>), ints of any size.</summary>
internal static class PyFormat
{
    public static string Percent(string format, object? args)
    {
        var positional = args is PyList { IsTuple: true } t ? t.Items : [args];
        // Python takes a non-tuple, non-string argument with __getitem__ (a dict, or even a list) as a mapping:
        // then unused arguments are no error.
        bool mappingLike = args is PyDict || args is PyList { IsTuple: false };
        int next = 0;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            if (++i >= format.Length)
            {
                throw new JinjaRuntimeException("ValueError: incomplete format");
            }

            object? value = null;
            bool haveValue = false;
            if (format[i] == '(')
            {
                int depth = 1, k = i + 1;
                while (k < format.Length && depth > 0)
                {
                    depth += format[k] == '(' ? 1 : format[k] == ')' ? -1 : 0;
                    k++;
                }

                if (depth > 0)
                {
                    throw new JinjaRuntimeException("ValueError: incomplete format key");
                }

                if (!mappingLike)
                {
                    throw Py.TypeError("format requires a mapping");
                }

                string key = format[(i + 1)..(k - 1)];
                if (args is PyDict mapping)
                {
                    if (!mapping.TryGetValue(key, out value))
                    {
                        throw new JinjaRuntimeException($"KeyError: {Py.Repr(key)}");
                    }
                }
                else
                {
                    throw Py.TypeError("list indices must be integers or slices, not str");
                }

                haveValue = true;
                i = k;
            }

            string flags = "";
            while (i < format.Length && "-+ #0".Contains(format[i], StringComparison.Ordinal))
            {
                flags += format[i++];
            }

            int width = -1;
            if (i < format.Length && format[i] == '*')
            {
                width = StarArgument(positional, ref next, out bool leftAlign);
                if (leftAlign)
                {
                    flags += "-";
                }

                i++;
            }
            else
            {
                width = ReadNumber(format, ref i);
            }

            int precision = -1;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if (i < format.Length && format[i] == '*')
                {
                    precision = Math.Max(0, StarArgument(positional, ref next, out _));
                    i++;
                }
                else
                {
                    precision = Math.Max(0, ReadNumber(format, ref i));
                }
            }

            while (i < format.Length && format[i] is 'h' or 'l' or 'L')
            {
                i++;
            }

            if (i >= format.Length)
            {
                throw new JinjaRuntimeException("ValueError: incomplete format");
            }

            char conv = format[i];
            if (conv == '%')
            {
                sb.Append('%');
                continue;
            }

            if (!haveValue)
            {
                if (next >= positional.Count)
                {
                    throw Py.TypeError("not enough arguments for format string");
                }

                value = positional[next++];
            }

            sb.Append(PercentOne(conv, value, flags, width, precision, i));
        }

        if (!mappingLike && next < positional.Count)
        {
            throw Py.TypeError("not all arguments converted during string formatting");
        }

        return sb.ToString();
    }

    private static int StarArgument(List<object?> positional, ref int next, out bool leftAlign)
    {
        if (next >= positional.Count)
        {
            throw Py.TypeError("not enough arguments for format string");
        }

        var v = positional[next++];
        if (v is not (long or bool))
        {
            throw Py.TypeError("* wants int");
        }

        long n = Py.ToLong(v);
        leftAlign = n < 0;
        return (int)Math.Min(Math.Abs(n), JinjaInterpreter.HardStringLimit);
    }

    private static string PercentOne(char conv, object? value, string flags, int width, int precision, int position)
    {
        bool left = flags.Contains('-', StringComparison.Ordinal);
        bool zero = flags.Contains('0', StringComparison.Ordinal) && !left;
        bool alternate = flags.Contains('#', StringComparison.Ordinal);
        string sign = flags.Contains('+', StringComparison.Ordinal) ? "+" : flags.Contains(' ', StringComparison.Ordinal) ? " " : "";
        switch (conv)
        {
            case 's' or 'r' or 'a':
                {
                    string text = conv switch { 's' => Py.Str(value), 'r' => Py.Repr(value), _ => Ascii(Py.Repr(value)) };
                    return Align(Truncate(text, precision), width, left ? '<' : '>', ' ');
                }

            case 'c':
                {
                    string text = value switch
                    {
                        string cs when PyUnicode.Length(cs) == 1 => cs,
                        Markup cm when PyUnicode.Length(cm.Value) == 1 => cm.Value,
                        long or bool or BigInteger => Chr(value),
                        _ => throw Py.TypeError("%c requires int or char"),
                    };
                    return Align(text, width, left ? '<' : '>', ' ');
                }

            case 'd' or 'i' or 'u' or 'o' or 'x' or 'X':
                {
                    object integer;
                    if (conv is 'd' or 'i' or 'u')
                    {
                        integer = value switch
                        {
                            double d => PyNumber.FromDouble(d),
                            long or bool or BigInteger => value,
                            _ => throw Py.TypeError($"%{conv} format: a real number is required, not {Py.TypeName(value)}"),
                        };
                    }
                    else
                    {
                        integer = value is long or bool or BigInteger ? value : throw Py.TypeError($"%{conv} format: an integer is required, not {Py.TypeName(value)}");
                    }

                    var big = PyNumber.ToBig(integer);
                    string digits = IntDigits(BigInteger.Abs(big), conv is 'd' or 'i' or 'u' ? 'd' : conv);
                    if (precision > digits.Length)
                    {
                        digits = new string('0', precision - digits.Length) + digits;
                    }

                    string prefix = alternate && conv is 'o' or 'x' or 'X' ? "0" + conv : "";
                    return Number(big.Sign < 0 ? "-" : sign, prefix, digits, width, left ? '<' : zero ? '=' : '>', zero ? '0' : ' ');
                }

            case 'e' or 'E' or 'f' or 'F' or 'g' or 'G':
                {
                    if (!Py.IsNumber(value))
                    {
                        throw Py.TypeError($"must be real number, not {Py.TypeName(value)}");
                    }

                    double d = Py.ToDouble(value);
                    string digits = FloatDigits(d, conv, precision < 0 ? 6 : precision, alternate);
                    bool finite = double.IsFinite(d);
                    return Number(double.IsNegative(d) && !double.IsNaN(d) ? "-" : sign, "", digits, width, left ? '<' : zero && finite ? '=' : '>', zero && finite ? '0' : ' ');
                }

            default:
                throw new JinjaRuntimeException($"ValueError: unsupported format character '{conv}' (0x{(int)conv:x}) at index {position}");
        }
    }

    /// <summary>The digits of |d| in a float presentation type (e, f, g and upper-case forms), inf and nan included.</summary>
    private static string FloatDigits(double d, char type, int precision, bool alternate)
    {
        bool upper = char.IsUpper(type);
        if (!double.IsFinite(d))
        {
            string special = double.IsNaN(d) ? "nan" : "inf";
            return upper ? special.ToUpperInvariant() : special;
        }

        double a = Math.Abs(d);
        string text = char.ToLowerInvariant(type) switch
        {
            'f' => PyNumber.FixedDigits(a, precision),
            'e' => PyNumber.ExponentDigits(a, precision, upper),
            _ => PyNumber.GeneralDigits(a, precision, alternate, upper),
        };
        if (alternate && char.ToLowerInvariant(type) is 'f' or 'e' && !text.Contains('.', StringComparison.Ordinal))
        {
            int e = text.IndexOfAny(['e', 'E']);
            text = e < 0 ? text + "." : text[..e] + "." + text[e..];
        }

        return text;
    }

    private static string IntDigits(BigInteger magnitude, char type)
    {
        if (type is 'd' or 'n')
        {
            return PyNumber.IntToString(magnitude);
        }

        int radix = type switch { 'b' => 2, 'o' => 8, _ => 16 };
        if (magnitude.IsZero)
        {
            return "0";
        }

        var sb = new StringBuilder();
        while (!magnitude.IsZero)
        {
            int digit = (int)(magnitude % radix);
            sb.Insert(0, (char)(digit < 10 ? '0' + digit : (type == 'X' ? 'A' : 'a') + digit - 10));
            magnitude /= radix;
        }

        return sb.ToString();
    }

    private static string Chr(object? value)
    {
        var cp = PyNumber.ToBig(value);
        if (cp.Sign < 0 || cp > 0x10FFFF)
        {
            throw new JinjaRuntimeException("OverflowError: %c arg not in range(0x110000)");
        }

        var sb = new StringBuilder(2);
        PyUnicode.AppendCodePoint(sb, (int)cp);
        return sb.ToString();
    }

    /// <summary>Python's <c>ascii()</c> applied to a repr: non-ASCII characters escaped.</summary>
    private static string Ascii(string repr)
    {
        var sb = new StringBuilder(repr.Length);
        for (int i = 0; i < repr.Length;)
        {
            int cp = PyUnicode.CodePointAt(repr, i, out int w);
            i += w;
            if (cp < 0x80)
            {
                sb.Append((char)cp);
            }
            else if (cp <= 0xFF)
            {
                sb.Append("\\x").Append(cp.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (cp <= 0xFFFF)
            {
                sb.Append("\\u").Append(cp.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>The first <paramref name="precision"/> code points (all when negative).</summary>
    private static string Truncate(string text, int precision) =>
        precision < 0 || PyUnicode.Length(text) <= precision ? text : text[..PyUnicode.ToUtf16Index(text, precision)];

    /// <summary>Pads <paramref name="text"/> to <paramref name="width"/> code points.</summary>
    private static string Align(string text, int width, char align, char fill) => Align(text, width, align, fill.ToString());

    private static string Align(string text, int width, char align, string fill)
    {
        int length = PyUnicode.Length(text);
        if (width <= length)
        {
            return text;
        }

        int pad = width - length;
        return align switch
        {
            '<' => text + Repeat(fill, pad),
            '^' => Repeat(fill, pad / 2) + text + Repeat(fill, pad - (pad / 2)),
            _ => Repeat(fill, pad) + text,
        };
    }

    private static string Repeat(string fill, int n) => fill.Length == 1 ? new string(fill[0], n) : string.Concat(Enumerable.Repeat(fill, n));

    /// <summary>A number laid out in <paramref name="width"/>: '=' pads between the sign/prefix and the digits.</summary>
    private static string Number(string sign, string prefix, string digits, int width, char align, char fill) =>
        Number(sign, prefix, digits, width, align, fill.ToString());

    private static string Number(string sign, string prefix, string digits, int width, char align, string fill)
    {
        if (align == '=')
        {
            int pad = width - PyUnicode.Length(sign + prefix + digits);
            return pad > 0 ? sign + prefix + Repeat(fill, pad) + digits : sign + prefix + digits;
        }

        return Align(sign + prefix + digits, width, align, fill);
    }

    private static int ReadNumber(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i == start)
        {
            return -1;
        }

        if (i - start > 8)
        {
            throw new JinjaRuntimeException("ValueError: width or precision too big");
        }

        return int.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture);
    }

    public static string Format(JinjaInterpreter interp, string format, List<object?> args, List<KeyValuePair<string, object?>> kwargs)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c == '{')
            {
                if (i + 1 < format.Length && format[i + 1] == '{')
                {
                    sb.Append('{');
                    i++;
                    continue;
                }

                int close = format.IndexOf('}', i);
                if (close < 0)
                {
                    throw new JinjaRuntimeException("ValueError: Single '{' encountered in format string");
                }

                string field = format[(i + 1)..close];
                i = close;
                string spec = "";
                char conversion = '\0';
                int colon = field.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    spec = field[(colon + 1)..];
                    field = field[..colon];
                }

                int bang = field.IndexOf('!', StringComparison.Ordinal);
                if (bang >= 0)
                {
                    conversion = field.Length > bang + 1 ? field[bang + 1] : '\0';
                    field = field[..bang];
                }

                string head = field;
                int cut = field.IndexOfAny(['.', '[']);
                if (cut >= 0)
                {
                    head = field[..cut];
                }

                object? value;
                if (head.Length == 0)
                {
                    if (auto >= args.Count)
                    {
                        throw new JinjaRuntimeException($"IndexError: Replacement index {auto} out of range for positional args tuple");
                    }

                    value = args[auto++];
                }
                else if (int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    if (index >= args.Count)
                    {
                        throw new JinjaRuntimeException($"IndexError: Replacement index {index} out of range for positional args tuple");
                    }

                    value = args[index];
                }
                else
                {
                    var kw = kwargs.FirstOrDefault(k => k.Key == head);
                    if (kw.Key is null)
                    {
                        throw new JinjaRuntimeException($"KeyError: {Py.Repr(head)}");
                    }

                    value = kw.Value;
                }

                if (cut >= 0)
                {
                    string rest = field[cut..];
                    int p = 0;
                    while (p < rest.Length)
                    {
                        if (rest[p] == '.')
                        {
                            int e = rest.IndexOfAny(['.', '['], p + 1);
                            if (e < 0)
                            {
                                e = rest.Length;
                            }

                            value = Py.GetAttr(value, rest[(p + 1)..e]);
                            p = e;
                        }
                        else
                        {
                            int e = rest.IndexOf(']', p);
                            string key = rest[(p + 1)..e];
                            value = Py.GetItem(value, long.TryParse(key, out long lk) ? lk : key, interp.Taint);
                            p = e + 1;
                        }
                    }
                }

                sb.Append(conversion switch
                {
                    '\0' => FormatValue(value, spec),
                    'r' => FormatValue(Py.Repr(value), spec),
                    'a' => FormatValue(Ascii(Py.Repr(value)), spec),
                    's' => FormatValue(Py.Str(value), spec),
                    _ => throw new JinjaRuntimeException($"ValueError: Unknown conversion specifier {conversion}"),
                });
            }
            else if (c == '}')
            {
                if (i + 1 < format.Length && format[i + 1] == '}')
                {
                    i++;
                }

                sb.Append('}');
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>format(value, spec)</c> for the value kinds templates hold.</summary>
    private static string FormatValue(object? value, string spec)
    {
        if (spec.Length == 0)
        {
            return Py.Str(value);
        }

        var f = Spec.Parse(spec);
        switch (value)
        {
            case string or Markup:
                {
                    if (f.Type is not ('\0' or 's'))
                    {
                        throw UnknownCode(f.Type, value);
                    }

                    if (f.Sign.Length > 0 || f.Alternate || f.Grouping != '\0' || f.Align == '=')
                    {
                        throw new JinjaRuntimeException(f.Align == '=' ? "ValueError: '=' alignment not allowed in string format specifier"
                            : f.Sign.Length > 0 ? "ValueError: Sign not allowed in string format specifier"
                            : f.Alternate ? "ValueError: Alternate form (#) not allowed in string format specifier"
                            : "ValueError: Cannot specify ',' with 's'.");
                    }

                    return Align(Truncate(Py.AsString(value)!, f.Precision), f.Width, f.Align == '\0' ? '<' : f.Align, f.Fill);
                }

            case long or bool or BigInteger:
                if (f.Type is 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or '%')
                {
                    return FormatFloat(Py.ToDouble(value), f);
                }

                return FormatInt(PyNumber.ToBig(value), f, value);
            case double d:
                return FormatFloat(d, f);
            default:
                throw Py.TypeError($"unsupported format string passed to {Py.TypeName(value)}.__format__");
        }
    }

    private static JinjaRuntimeException UnknownCode(char type, object? value) =>
        new($"ValueError: Unknown format code '{type}' for object of type '{Py.TypeName(value)}'");

    private static string FormatInt(BigInteger v, Spec f, object? original)
    {
        char type = f.Type == '\0' ? 'd' : f.Type;
        if (type is not ('b' or 'c' or 'd' or 'o' or 'x' or 'X' or 'n'))
        {
            throw UnknownCode(f.Type, original);
        }

        if (f.Precision >= 0)
        {
            throw new JinjaRuntimeException("ValueError: Precision not allowed in integer format specifier");
        }

        if (type == 'c')
        {
            if (f.Sign.Length > 0 || f.Alternate)
            {
                throw new JinjaRuntimeException("ValueError: Sign not allowed with integer format specifier 'c'");
            }

            return Align(Chr(v), f.Width, f.Align == '\0' ? '<' : f.Align, f.Fill);
        }

        string digits = IntDigits(BigInteger.Abs(v), type);
        if (f.Grouping != '\0')
        {
            digits = Group(digits, f.Grouping, type is 'd' or 'n' ? 3 : 4);
        }

        string prefix = f.Alternate && type is 'b' or 'o' or 'x' or 'X' ? "0" + type : "";
        string sign = v.Sign < 0 ? "-" : f.Sign == "-" ? "" : f.Sign;
        return Number(sign, prefix, digits, f.Width, f.Align == '\0' ? '>' : f.Align, f.Fill);
    }

    private static string FormatFloat(double d, Spec f)
    {
        char type = f.Type;
        if (type is not ('\0' or 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or 'n' or '%'))
        {
            throw UnknownCode(type, d);
        }

        string digits;
        double a = Math.Abs(d);
        if (type == '%')
        {
            a *= 100;
        }

        if (!double.IsFinite(d))
        {
            digits = double.IsNaN(d) ? "nan" : "inf";
            if (type is 'E' or 'F' or 'G')
            {
                digits = digits.ToUpperInvariant();
            }
        }
        else if (type == '\0' && f.Precision < 0)
        {
            digits = Py.FloatRepr(a);
        }
        else if (type == '\0')
        {
            digits = PyNumber.GeneralDigits(a, f.Precision, f.Alternate, upper: false, reprStyle: true);
        }
        else
        {
            digits = FloatDigits(a, type == 'n' ? 'g' : type == '%' ? 'f' : type, f.Precision < 0 ? 6 : f.Precision, f.Alternate);
        }

        if (type == '%')
        {
            digits += "%";
        }

        if (f.Grouping != '\0' && double.IsFinite(d))
        {
            int end = digits.IndexOfAny(['.', 'e', 'E', '%']);
            string intPart = end < 0 ? digits : digits[..end];
            digits = Group(intPart, f.Grouping, 3) + (end < 0 ? "" : digits[end..]);
        }

        bool negative = double.IsNegative(d) && !double.IsNaN(d) && !(f.NoNegativeZero && a == 0);
        if (f.NoNegativeZero && negative && IsAllZero(digits))
        {
            negative = false;
        }

        string sign = negative ? "-" : f.Sign == "-" ? "" : f.Sign;
        return Number(sign, "", digits, f.Width, f.Align == '\0' ? '>' : f.Align, f.Fill);

        // Only the mantissa matters: an exponent of a zero mantissa is zero too.
        static bool IsAllZero(string digits) => digits.TakeWhile(c => c is not ('e' or 'E')).All(c => c is '0' or '.' or '%');
    }

    private static string Group(string digits, char separator, int size)
    {
        var sb = new StringBuilder(digits.Length + (digits.Length / size));
        int first = digits.Length % size;
        if (first == 0)
        {
            first = size;
        }

        sb.Append(digits, 0, Math.Min(first, digits.Length));
        for (int i = first; i < digits.Length; i += size)
        {
            sb.Append(separator).Append(digits, i, size);
        }

        return sb.ToString();
    }

    /// <summary>A parsed format spec: <c>[[fill]align][sign][z][#][0][width][grouping][.precision][type]</c>.</summary>
    private sealed class Spec
    {
        public string Fill { get; private set; } = " ";

        public char Align { get; private set; }

        public string Sign { get; private set; } = "";

        public bool NoNegativeZero { get; private set; }

        public bool Alternate { get; private set; }

        public int Width { get; private set; } = -1;

        public char Grouping { get; private set; }

        public int Precision { get; private set; } = -1;

        public char Type { get; private set; }

        public static Spec Parse(string spec)
        {
            var f = new Spec();
            int i = 0;
            int first = PyUnicode.CodePointAt(spec, 0, out int w);
            if (spec.Length > w && spec[w] is '<' or '>' or '=' or '^')
            {
                f.Fill = spec[..w];
                f.Align = spec[w];
                i = w + 1;
            }
            else if (first is '<' or '>' or '=' or '^')
            {
                f.Align = (char)first;
                i = 1;
            }

            if (i < spec.Length && spec[i] is '+' or '-' or ' ')
            {
                f.Sign = spec[i].ToString();
                i++;
            }

            if (i < spec.Length && spec[i] == 'z')
            {
                f.NoNegativeZero = true;
                i++;
            }

            if (i < spec.Length && spec[i] == '#')
            {
                f.Alternate = true;
                i++;
            }

            if (i < spec.Length && spec[i] == '0')
            {
                if (f.Align == '\0')
                {
                    f.Fill = "0";
                    f.Align = '=';
                }

                i++;
            }

            f.Width = ReadNumber(spec, ref i);
            if (i < spec.Length && spec[i] is ',' or '_')
            {
                f.Grouping = spec[i];
                i++;
            }

            if (i < spec.Length && spec[i] == '.')
            {
                i++;
                f.Precision = ReadNumber(spec, ref i);
                if (f.Precision < 0)
                {
                    throw new JinjaRuntimeException("ValueError: Format specifier missing precision");
                }
            }

            if (i < spec.Length)
            {
                f.Type = spec[i];
                i++;
            }

            if (i < spec.Length)
            {
                throw new JinjaRuntimeException("ValueError: Invalid format specifier");
            }

            return f;
        }
    }
}
