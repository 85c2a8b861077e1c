using System.Globalization;
using System.Numerics;
using System.Text;

namespace ToolLoop;

/// <summary>Python semantics for the values a template sees: truthiness, <c>str()</c>/<c>repr()</c>,
/// equality and ordering, arithmetic, membership, iteration, indexing and slicing.</summary>
/// <remarks>Values are: null (None), <see cref="Undefined"/>, bool, long and <see cref="BigInteger"/> (int; see
/// <see cref="PyNumber"/>), double, string,
/// <see cref="Markup"/>, <see cref="PyList"/>, <see cref="PyDict"/>, <see cref="PyNamespace"/>,
/// <see cref="PyCallable"/> and <see cref="LoopContext"/>.</remarks>
internal static class Py
{
    public static bool IsPyWhitespace(char c) => PyUnicode.IsSpace(c);

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        Markup => "Markup",
        PyList l => l.IsTuple ? "tuple" : "list",
        PyDict => "dict",
        Undefined => "Undefined",
        PyNamespace => "Namespace",
        LoopContext => "LoopContext",
        PyCallable c => c.TypeName,
        PyIterator it => it.Kind,
        _ => v.GetType().Name,
    };

    public static bool IsNumber(object? v) => PyNumber.IsNumber(v);

    public static bool IsString(object? v) => v is string or Markup;

    public static string? AsString(object? v) => v switch
    {
        string s => s,
        Markup m => m.Value,
        _ => null,
    };

    public static JinjaRuntimeException UndefinedError(Undefined u) =>
        new("UndefinedError: " + u.Describe());

    public static JinjaRuntimeException TypeError(string message) => new("TypeError: " + message);

    public static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        BigInteger big => !big.IsZero,
        double d => d != 0,
        string s => s.Length > 0,
        Markup m => m.Value.Length > 0,
        PyList l => l.Count > 0,
        PyDict d => d.Count > 0,
        Undefined => false,
        _ => true,
    };

    // ---- str() and repr() ----

    public static string Str(object? v) => v switch
    {
        string s => s,
        Markup m => m.Value,
        Undefined => "",
        _ => Repr(v),
    };

    public static string Repr(object? v)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, v, 0);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? v, int depth)
    {
        if (depth > 200)
        {
            throw new JinjaRuntimeException("RecursionError: maximum recursion depth exceeded while getting the repr of an object");
        }

        switch (v)
        {
            case null: sb.Append("None"); break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case BigInteger big: sb.Append(PyNumber.IntToString(big)); break;
            case double d: sb.Append(FloatRepr(d)); break;
            case string s: AppendStringRepr(sb, s); break;
            case Markup m: sb.Append("Markup("); AppendStringRepr(sb, m.Value); sb.Append(')'); break;
            case Undefined: sb.Append("Undefined"); break;
            case PyList list:
                sb.Append(list.IsTuple ? '(' : '[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    AppendRepr(sb, list.Items[i], depth + 1);
                }

                if (list.IsTuple && list.Count == 1)
                {
                    sb.Append(',');
                }

                sb.Append(list.IsTuple ? ')' : ']');
                break;
            case PyDict dict:
                {
                    sb.Append('{');
                    bool first = true;
                    foreach (var kv in dict.Items)
                    {
                        if (!first)
                        {
                            sb.Append(", ");
                        }

                        first = false;
                        AppendRepr(sb, kv.Key, depth + 1);
                        sb.Append(": ");
                        AppendRepr(sb, kv.Value, depth + 1);
                    }

                    sb.Append('}');
                    break;
                }

            case PyNamespace ns:
                sb.Append("<Namespace ");
                AppendRepr(sb, ns.Attributes, depth + 1);
                sb.Append('>');
                break;
            case LoopContext lc:
                sb.Append("<LoopContext ").Append(lc.Index0 + 1).Append('/').Append(lc.Length).Append('>');
                break;
            case PyCallable c:
                sb.Append(c.ReprText);
                break;
            case PyIterator it:
                sb.Append('<').Append(it.Kind).Append(" object>");
                break;
            default:
                sb.Append(v);
                break;
        }
    }

    public static void AppendStringRepr(StringBuilder sb, string s)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c == '\t')
            {
                sb.Append("\\t");
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\r')
            {
                sb.Append("\\r");
            }
            else if (c < ' ' || c == 0x7f)
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c < 0x7f)
            {
                sb.Append(c);
            }
            else
            {
                int cp = c;
                int width = 1;
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    cp = char.ConvertToUtf32(c, s[i + 1]);
                    width = 2;
                }

                if (IsPrintable(cp))
                {
                    sb.Append(s, i, width);
                }
                else if (cp <= 0xff)
                {
                    sb.Append("\\x").Append(cp.ToString("x2", CultureInfo.InvariantCulture));
                }
                else if (cp <= 0xffff)
                {
                    sb.Append("\\u").Append(cp.ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
                }

                i += width - 1;
            }
        }

        sb.Append(quote);
    }

    private static bool IsPrintable(int cp) => PyUnicode.IsPrintable(cp);

    /// <summary>Python's <c>repr(float)</c>: the shortest round-tripping digits, fixed notation for
    /// exponents in [-4, 16), otherwise scientific with a two-digit minimum exponent.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        string shortest = d.ToString("R", CultureInfo.InvariantCulture);

        // Decompose the shortest round-trip text into sign, digits and decimal exponent.
        bool negative = shortest.StartsWith('-');
        string body = negative ? shortest[1..] : shortest;
        int exp = 0;
        int ePos = body.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exp = int.Parse(body.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..ePos];
        }

        int dot = body.IndexOf('.', StringComparison.Ordinal);
        string intPart = dot >= 0 ? body[..dot] : body;
        string fracPart = dot >= 0 ? body[(dot + 1)..] : "";
        string digits = (intPart + fracPart).TrimStart('0');
        int leadingZeros = (intPart + fracPart).Length - digits.Length;
        int pointPos = intPart.Length - leadingZeros + exp; // digits[0..pointPos] is the integer part
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        int sciExp = pointPos - 1;
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (sciExp is >= -4 and < 16)
        {
            if (pointPos <= 0)
            {
                sb.Append("0.").Append('0', -pointPos).Append(digits);
            }
            else if (pointPos >= digits.Length)
            {
                sb.Append(digits).Append('0', pointPos - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, pointPos).Append('.').Append(digits, pointPos, digits.Length - pointPos);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            sb.Append('e').Append(sciExp < 0 ? '-' : '+').Append(Math.Abs(sciExp).ToString("00", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    // ---- equality and ordering ----

    public static bool Eq(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        switch (a)
        {
            case null: return false;
            case Undefined: return b is Undefined;
            case string or Markup:
                {
                    string? sb = AsString(b);
                    return sb is not null && string.Equals(AsString(a), sb, StringComparison.Ordinal);
                }

            case bool or long or double or BigInteger:
                return IsNumber(b) && PyNumber.Equal(a, b!);
            case PyList la:
                {
                    if (b is not PyList lb || la.IsTuple != lb.IsTuple || la.Count != lb.Count)
                    {
                        return false;
                    }

                    for (int i = 0; i < la.Count; i++)
                    {
                        if (!Eq(la.Items[i], lb.Items[i]))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case PyDict da:
                {
                    if (b is not PyDict db || da.Count != db.Count)
                    {
                        return false;
                    }

                    foreach (var kv in da.Items)
                    {
                        if (!db.TryGetValue(kv.Key, out var other) || !Eq(kv.Value, other))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            default:
                return false;
        }
    }

    /// <summary>A width or count for building a string: at least 0, and refused above the string limit.</summary>
    public static int ToWidth(object? v)
    {
        if (v is BigInteger big)
        {
            return big.Sign < 0 ? 0 : throw new JinjaRuntimeException("OverflowError: Python int too large to convert to C ssize_t");
        }

        long n = ToLong(v);
        if (n > JinjaInterpreter.HardStringLimit)
        {
            throw new JinjaRuntimeException("MemoryError: width too large");
        }

        return (int)Math.Max(0, n);
    }

    /// <summary>Python's <c>operator.index</c>: an int (or bool) that fits 64 bits; floats are refused as Python refuses them.</summary>
    public static long ToLong(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        BigInteger => throw new JinjaRuntimeException("OverflowError: Python int too large to convert to C ssize_t"),
        double => throw TypeError("'float' object cannot be interpreted as an integer"),
        _ => throw TypeError($"'{TypeName(v)}' object cannot be interpreted as an integer"),
    };

    public static double ToDouble(object? v) => PyNumber.ToDouble(v);

    /// <summary>Python ordering; throws TypeError for unorderable types.</summary>
    public static int Compare(object? a, object? b, string op = "<")
    {
        if (a is Undefined u1)
        {
            throw UndefinedError(u1);
        }

        if (b is Undefined u2)
        {
            throw UndefinedError(u2);
        }

        if (IsNumber(a) && IsNumber(b))
        {
            // Sorting treats unordered values (NaN) as equal, as Python's sort effectively does.
            return PyNumber.Compare(a!, b!) ?? 0;
        }

        if (IsString(a) && IsString(b))
        {
            return Math.Sign(PyUnicode.CompareCodePoints(AsString(a)!, AsString(b)!));
        }

        if (a is PyList la && b is PyList lb && la.IsTuple == lb.IsTuple)
        {
            int n = Math.Min(la.Count, lb.Count);
            for (int i = 0; i < n; i++)
            {
                if (!Eq(la.Items[i], lb.Items[i]))
                {
                    return Compare(la.Items[i], lb.Items[i], op);
                }
            }

            return la.Count.CompareTo(lb.Count);
        }

        throw TypeError($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    /// <summary>Python's comparison operators (<c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>): like
    /// <see cref="Compare"/>, except that a NaN makes every ordering false.</summary>
    public static bool CompareOp(string op, object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return PyNumber.Compare(a!, b!) is int c && Holds(op, c);
        }

        if (a is PyList la && b is PyList lb && la.IsTuple == lb.IsTuple)
        {
            int n = Math.Min(la.Count, lb.Count);
            for (int i = 0; i < n; i++)
            {
                if (!Eq(la.Items[i], lb.Items[i]))
                {
                    return CompareOp(op, la.Items[i], lb.Items[i]);
                }
            }

            return Holds(op, la.Count.CompareTo(lb.Count));
        }

        return Holds(op, Compare(a, b, op));

        static bool Holds(string op, int c) => op switch
        {
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            _ => c >= 0,
        };
    }

    /// <summary>List.Sort, unwrapping the template error a comparison raised (List.Sort wraps it).</summary>
    public static void Sort<T>(List<T> list, Comparison<T> comparison)
    {
        try
        {
            list.Sort(comparison);
        }
        catch (InvalidOperationException e) when (e.InnerException is JinjaRuntimeException inner)
        {
            throw new JinjaRuntimeException(inner.Message, inner);
        }
    }

    // ---- arithmetic ----

    private static void CheckDefined(object? a, object? b)
    {
        if (a is Undefined u1)
        {
            throw UndefinedError(u1);
        }

        if (b is Undefined u2)
        {
            throw UndefinedError(u2);
        }
    }

    public static object? Add(object? a, object? b, TaintTracker taint)
    {
        CheckDefined(a, b);
        if (a is Markup ma && (b is string || b is Markup))
        {
            return new Markup(taint.Concat(ma.Value, b is Markup mb0 ? mb0.Value : taint.Whole(Markup.Escape((string)b!), b)));
        }

        if (b is Markup mb && a is string sa0)
        {
            return new Markup(taint.Concat(taint.Whole(Markup.Escape(sa0), sa0), mb.Value));
        }

        if (a is string sa && b is string sb)
        {
            return taint.Concat(sa, sb);
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return PyNumber.Add(a!, b!);
        }

        if (a is PyList la && b is PyList lb && la.IsTuple == lb.IsTuple)
        {
            var items = new List<object?>(la.Count + lb.Count);
            items.AddRange(la.Items);
            items.AddRange(lb.Items);
            return new PyList(items, la.IsTuple);
        }

        if (IsString(a))
        {
            throw TypeError($"can only concatenate str (not \"{TypeName(b)}\") to str");
        }

        if (a is PyList l0)
        {
            throw TypeError($"can only concatenate {TypeName(l0)} (not \"{TypeName(b)}\") to {TypeName(l0)}");
        }

        throw TypeError($"unsupported operand type(s) for +: '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static object? Arith(string op, object? a, object? b, TaintTracker taint)
    {
        CheckDefined(a, b);
        switch (op)
        {
            case "+":
                return Add(a, b, taint);
            case "-":
                RequireNumbers(op, a, b);
                return PyNumber.Subtract(a!, b!);
            case "*":
                if (IsNumber(a) && IsNumber(b))
                {
                    return PyNumber.Multiply(a!, b!);
                }

                if (IsString(a) && IsIntLike(b))
                {
                    return Repeat(AsString(a)!, RepeatCount(b), a, taint);
                }

                if (IsString(b) && IsIntLike(a))
                {
                    return Repeat(AsString(b)!, RepeatCount(a), b, taint);
                }

                if (a is PyList la && IsIntLike(b))
                {
                    return RepeatList(la, RepeatCount(b));
                }

                if (b is PyList lb && IsIntLike(a))
                {
                    return RepeatList(lb, RepeatCount(a));
                }

                throw TypeError($"unsupported operand type(s) for *: '{TypeName(a)}' and '{TypeName(b)}'");
            case "/":
                RequireNumbers(op, a, b);
                return PyNumber.TrueDivide(a!, b!);
            case "//":
                RequireNumbers(op, a, b);
                return PyNumber.FloorDivide(a!, b!);
            case "%":
                {
                    if (a is Markup markup)
                    {
                        // Markup.__mod__ escapes the arguments and returns Markup.
                        var escaped = b is PyDict dict ? EscapeValues(dict) : Markup.EscapeArgument(b);
                        return new Markup(taint.Whole(PyFormat.Percent(markup.Value, escaped), a, b));
                    }

                    if (IsString(a))
                    {
                        return taint.Whole(PyFormat.Percent(AsString(a)!, b), a, b);
                    }

                    RequireNumbers(op, a, b);
                    return PyNumber.Modulo(a!, b!);
                }

            case "**":
                RequireNumbers(op, a, b);
                return PyNumber.Power(a!, b!);

            default:
                throw new InvalidOperationException("unknown operator " + op);
        }
    }

    private static PyDict EscapeValues(PyDict dict)
    {
        var result = new PyDict(dict.Count);
        foreach (var kv in dict.Items)
        {
            result.Set(kv.Key, Markup.EscapeArgument(kv.Value));
        }

        return result;
    }

    private static void RequireNumbers(string op, object? a, object? b)
    {
        if (!IsNumber(a) || !IsNumber(b))
        {
            throw TypeError($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
        }
    }

    private static bool IsIntLike(object? v) => v is long or bool or BigInteger;

    /// <summary>A repetition count: negative counts repeat nothing; counts beyond 64 bits cannot be honoured.</summary>
    private static long RepeatCount(object? v) => v is BigInteger big
        ? (big.Sign < 0 ? 0 : throw new JinjaRuntimeException("OverflowError: cannot fit 'int' into an index-sized integer"))
        : ToLong(v);

    private static object Repeat(string s, long n, object? original, TaintTracker taint)
    {
        if (n <= 0 || s.Length == 0)
        {
            return original is Markup ? new Markup("") : "";
        }

        if (n > JinjaInterpreter.HardStringLimit / s.Length)
        {
            throw new JinjaRuntimeException("MemoryError: string too large");
        }

        var sb = new StringBuilder(s.Length * (int)n);
        for (long i = 0; i < n; i++)
        {
            sb.Append(s);
        }

        string result = taint.Whole(sb.ToString(), s);
        return original is Markup ? new Markup(result) : result;
    }

    private static PyList RepeatList(PyList list, long n)
    {
        var items = new List<object?>();
        if (list.Count > 0 && n > JinjaInterpreter.HardStringLimit / list.Count)
        {
            throw new JinjaRuntimeException("MemoryError: list too large");
        }

        for (long i = 0; i < n; i++)
        {
            items.AddRange(list.Items);
        }

        return new PyList(items, list.IsTuple);
    }

    public static object? Negate(object? v, bool negative)
    {
        if (v is Undefined u)
        {
            throw UndefinedError(u);
        }

        if (!IsNumber(v))
        {
            throw TypeError($"bad operand type for unary {(negative ? "-" : "+")}: '{TypeName(v)}'");
        }

        return negative ? PyNumber.Negate(v!) : v is bool b ? (b ? 1L : 0L) : v;
    }

    public static bool Contains(object? container, object? item)
    {
        switch (container)
        {
            case string or Markup:
                {
                    string? needle = AsString(item);
                    if (needle is null)
                    {
                        if (item is Undefined u)
                        {
                            throw UndefinedError(u);
                        }

                        throw TypeError($"'in <string>' requires string as left operand, not {TypeName(item)}");
                    }

                    return AsString(container)!.Contains(needle, StringComparison.Ordinal);
                }

            case PyList list:
                foreach (var x in list.Items)
                {
                    if (Eq(x, item))
                    {
                        return true;
                    }
                }

                return false;
            case PyDict dict:
                return dict.ContainsKey(item);
            case Undefined:
                return false;
            case PyIterator it:
                return it.Take().Any(x => Eq(x, item));
            case PyNamespace ns:
                throw TypeError($"argument of type '{TypeName(ns)}' is not iterable");
            default:
                throw TypeError($"argument of type '{TypeName(container)}' is not iterable");
        }
    }

    /// <summary>The items a <c>for</c> loop or a list-consuming filter sees.</summary>
    public static List<object?> Iterate(object? v, TaintTracker? taint = null) => v switch
    {
        PyList l => l.Items,
        PyDict d => [.. d.Keys],
        string s when taint?.Get(s) is not null => TaintedChars(s, taint),
        string s => Chars(s),
        Markup m => Iterate(m.Value, taint).Select(c => (object?)new Markup((string)c!)).ToList(),
        Undefined => [],
        PyIterator it => it.Take(),
        _ => throw TypeError($"'{TypeName(v)}' object is not iterable"),
    };

    public static List<object?> Chars(string s)
    {
        var result = new List<object?>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(s.Substring(i, 2));
                i++;
            }
            else
            {
                result.Add(new string(s[i], 1));
            }
        }

        return result;
    }

    private static List<object?> TaintedChars(string s, TaintTracker taint)
    {
        var result = new List<object?>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            int width = char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
            result.Add(taint.Sub(s, i, width, forceCopy: true));
            i += width - 1;
        }

        return result;
    }

    public static bool HasSurrogates(string s) => s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    public static long Length(object? v) => v switch
    {
        string s => PyUnicode.Length(s),
        Markup m => Length(m.Value),
        PyList l => l.Count,
        PyDict d => d.Count,
        Undefined => 0,
        _ => throw TypeError($"object of type '{TypeName(v)}' has no len()"),
    };

    // ---- indexing ----

    public static object? GetItem(object? obj, object? key, TaintTracker taint)
    {
        switch (obj)
        {
            case Undefined u:
                throw UndefinedError(u);
            case PyDict d:
                if (d.TryGetValue(key, out var value))
                {
                    return value;
                }

                break;
            case PyList list when key is long or bool:
                {
                    long i = ToLong(key);
                    if (i < 0)
                    {
                        i += list.Count;
                    }

                    if (i >= 0 && i < list.Count)
                    {
                        return list.Items[(int)i];
                    }

                    break;
                }

            case PyList list when key is SliceValue sl:
                return SliceList(list, sl);
            case string or Markup when key is long or bool:
                {
                    string s = AsString(obj)!;
                    long i = ToLong(key);
                    if (HasSurrogates(s))
                    {
                        var chars = Chars(s);
                        if (i < 0)
                        {
                            i += chars.Count;
                        }

                        if (i >= 0 && i < chars.Count)
                        {
                            return WrapLike(obj, taint.Whole((string)chars[(int)i]!, s));
                        }

                        break;
                    }

                    if (i < 0)
                    {
                        i += s.Length;
                    }

                    if (i >= 0 && i < s.Length)
                    {
                        return WrapLike(obj, taint.Sub(s, (int)i, 1, forceCopy: true));
                    }

                    break;
                }

            case string or Markup when key is SliceValue sl:
                return WrapLike(obj, SliceString(AsString(obj)!, sl, taint));
            case PyNamespace ns when key is string name:
                return ns.Attributes.TryGetValue(name, out var nv) ? nv : new Undefined(name: name, owner: obj);
        }

        if (key is string attr && obj is not PyNamespace)
        {
            var viaAttr = GetAttrOnly(obj, attr);
            if (viaAttr is not null)
            {
                return viaAttr;
            }
        }

        return new Undefined(name: Str(key), owner: obj);
    }

    private static object WrapLike(object? original, string s) => original is Markup ? new Markup(s) : s;

    /// <summary>Jinja's <c>getattr</c>: a Python attribute (method) first, then the item.</summary>
    public static object? GetAttr(object? obj, string name)
    {
        if (obj is Undefined u)
        {
            throw UndefinedError(u);
        }

        var viaAttr = GetAttrOnly(obj, name);
        if (viaAttr is not null)
        {
            return viaAttr;
        }

        switch (obj)
        {
            case PyDict d when d.TryGetValue(name, out var value):
                return value;
            case PyNamespace ns when ns.Attributes.TryGetValue(name, out var nv):
                return nv;
        }

        return new Undefined(name: name, owner: obj);
    }

    /// <summary>A Python attribute: methods of str, dict and list, and the loop object's fields;
    /// null when there is none.</summary>
    private static object? GetAttrOnly(object? obj, string name)
    {
        switch (obj)
        {
            case string or Markup when PyMethods.IsStringMethod(name):
                return new BoundMethod(obj, name);
            case PyDict when PyMethods.IsDictMethod(name):
                return new BoundMethod(obj, name);
            case PyList l when PyMethods.IsListMethod(name, l.IsTuple):
                return new BoundMethod(obj, name);
            case LoopContext loop:
                return loop.GetField(name);
            case PyList { FieldNames: { } names } named when Array.IndexOf(names, name) >= 0:
                return named.Items[Array.IndexOf(names, name)];
            default:
                return null;
        }
    }

    // ---- slicing ----

    private static (int Start, int Stop, int Step, int Count) SliceIndices(SliceValue sl, int length)
    {
        long step = sl.Step is null ? 1 : SliceIndex(sl.Step);
        if (step == 0)
        {
            throw new JinjaRuntimeException("ValueError: slice step cannot be zero");
        }

        long start, stop;
        if (step > 0)
        {
            start = sl.Start is null ? 0 : Clamp(SliceIndex(sl.Start), length, 0, length);
            stop = sl.Stop is null ? length : Clamp(SliceIndex(sl.Stop), length, 0, length);
        }
        else
        {
            start = sl.Start is null ? length - 1 : Clamp(SliceIndex(sl.Start), length, -1, length - 1);
            stop = sl.Stop is null ? -1 : Clamp(SliceIndex(sl.Stop), length, -1, length - 1);
        }

        long count = step > 0 ? (stop > start ? ((stop - start - 1) / step) + 1 : 0) : (start > stop ? ((start - stop - 1) / -step) + 1 : 0);
        // |step| beyond the length selects at most one item; clamping keeps the int arithmetic exact.
        long clampedStep = Math.Clamp(step, -(long)length - 1, (long)length + 1);
        return ((int)start, (int)stop, (int)clampedStep, (int)count);

        // Python clamps slice bounds beyond the machine word instead of raising.
        static long SliceIndex(object v) => v is BigInteger big ? (big.Sign < 0 ? long.MinValue / 2 : long.MaxValue / 2) : ToLong(v);

        static long Clamp(long i, int length, long low, long high)
        {
            if (i < 0)
            {
                i += length;
            }

            return Math.Min(Math.Max(i, low), high);
        }
    }

    private static PyList SliceList(PyList list, SliceValue sl)
    {
        var (start, _, step, count) = SliceIndices(sl, list.Count);
        var items = new List<object?>(count);
        for (int k = 0, i = start; k < count; k++, i += step)
        {
            items.Add(list.Items[i]);
        }

        return new PyList(items, list.IsTuple);
    }

    private static string SliceString(string s, SliceValue sl, TaintTracker taint)
    {
        if (HasSurrogates(s))
        {
            var chars = Chars(s);
            var (st, _, sp, cnt) = SliceIndices(sl, chars.Count);
            var sb0 = new StringBuilder();
            for (int k = 0, i = st; k < cnt; k++, i += sp)
            {
                sb0.Append((string)chars[i]!);
            }

            return taint.Whole(sb0.ToString(), s);
        }

        var (start, _, step, count) = SliceIndices(sl, s.Length);
        if (step == 1)
        {
            return taint.Sub(s, start, count);
        }

        var sb = new StringBuilder(count);
        for (int k = 0, i = start; k < count; k++, i += step)
        {
            sb.Append(s[i]);
        }

        return taint.Whole(sb.ToString(), s);
    }
}
