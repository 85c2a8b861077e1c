using System.Globalization;
using System.Text;

namespace ToolLoop;

/// <summary>Python's <c>str % args</c> and <c>str.format(...)</c>, for the common conversions.</summary>
internal static class PyFormat
{
    public static string Percent(string format, object? args)
    {
        var positional = args is PyList { IsTuple: true } t ? t.Items : [args];
        var mapping = args as PyDict;
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
                int close = format.IndexOf(')', i);
                if (close < 0 || mapping is null)
                {
                    throw Py.TypeError("format requires a mapping");
                }

                string key = format[(i + 1)..close];
                if (!mapping.TryGetValue(key, out value))
                {
                    throw new JinjaRuntimeException($"KeyError: {Py.Repr(key)}");
                }

                haveValue = true;
                i = close + 1;
            }

            string flags = "";
            while (i < format.Length && "-+ #0".Contains(format[i], StringComparison.Ordinal))
            {
                flags += format[i++];
            }

            int width = ReadNumber(format, ref i);
            int precision = -1;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = Math.Max(0, ReadNumber(format, ref i));
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

            string text = conv switch
            {
                's' => Py.Str(value),
                'r' or 'a' => Py.Repr(value),
                'd' or 'i' or 'u' => FormatInt(value, flags),
                'f' or 'F' => Py.ToDouble(value).ToString("F" + (precision < 0 ? 6 : precision), CultureInfo.InvariantCulture),
                'x' => Py.ToLong(value).ToString("x", CultureInfo.InvariantCulture),
                'X' => Py.ToLong(value).ToString("X", CultureInfo.InvariantCulture),
                'o' => Convert.ToString(Py.ToLong(value), 8),
                'c' => value is string cs ? cs : Py.ToLong(value) is var cp and >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF) ? char.ConvertFromUtf32((int)cp) : throw new JinjaRuntimeException("OverflowError: %c arg not in range(0x110000)"),
                _ => throw new JinjaRuntimeException($"ValueError: unsupported format character '{conv}'"),
            };
            if (conv is 's' or 'r' && precision >= 0 && text.Length > precision)
            {
                text = text[..precision];
            }

            if (text.Length < width)
            {
                text = flags.Contains('-', StringComparison.Ordinal) ? text.PadRight(width)
                    : flags.Contains('0', StringComparison.Ordinal) && conv is not ('s' or 'r') ? text.PadLeft(width, '0') : text.PadLeft(width);
            }

            sb.Append(text);
        }

        if (mapping is null && next < positional.Count && !(args is PyList { IsTuple: true } && positional.Count == 0))
        {
            throw Py.TypeError("not all arguments converted during string formatting");
        }

        return sb.ToString();
    }

    private static string FormatInt(object? value, string flags)
    {
        if (value is string)
        {
            throw Py.TypeError("%d format: a real number is required, not str");
        }

        long v = value is double d ? (long)Math.Truncate(d) : Py.ToLong(value);
        string s = v.ToString(CultureInfo.InvariantCulture);
        if (v >= 0 && flags.Contains('+', StringComparison.Ordinal))
        {
            s = "+" + s;
        }

        return s;
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

                string text = conversion is 'r' or 'a' ? Py.Repr(value) : Py.Str(value);
                sb.Append(ApplySpec(text, value, spec, conversion != '\0'));
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

    private static string ApplySpec(string text, object? value, string spec, bool converted)
    {
        if (spec.Length == 0)
        {
            return text;
        }

        int i = 0;
        char fill = ' ';
        char align = '\0';
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '^' or '=')
        {
            fill = spec[0];
            align = spec[1];
            i = 2;
        }
        else if (spec[0] is '<' or '>' or '^' or '=')
        {
            align = spec[0];
            i = 1;
        }

        if (i < spec.Length && spec[i] == '0' && align == '\0')
        {
            fill = '0';
            align = '=';
            i++;
        }

        int width = ReadNumber(spec, ref i);
        int precision = -1;
        if (i < spec.Length && spec[i] == '.')
        {
            i++;
            precision = ReadNumber(spec, ref i);
        }

        char type = i < spec.Length ? spec[i] : '\0';
        if (!converted && Py.IsNumber(value))
        {
            text = type switch
            {
                'f' or 'F' => Py.ToDouble(value).ToString("F" + (precision < 0 ? 6 : precision), CultureInfo.InvariantCulture),
                'd' => Py.ToLong(value).ToString(CultureInfo.InvariantCulture),
                'x' => Py.ToLong(value).ToString("x", CultureInfo.InvariantCulture),
                _ => text,
            };
            if (align == '\0')
            {
                align = '>';
            }
        }
        else if (precision >= 0 && text.Length > precision)
        {
            text = text[..precision];
        }

        if (width > text.Length)
        {
            int pad = width - text.Length;
            text = (align == '\0' ? '<' : align) switch
            {
                '>' or '=' => new string(fill, pad) + text,
                '^' => new string(fill, pad / 2) + text + new string(fill, pad - (pad / 2)),
                _ => text + new string(fill, pad),
            };
        }

        return text;
    }
}
