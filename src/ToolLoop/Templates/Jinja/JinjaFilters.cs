using System.Globalization;

namespace ToolLoop;

/// <summary>Jinja2's built-in filters (jinja2/filters.py) with Hugging Face's <c>tojson</c>.</summary>
internal static class JinjaFilters
{
    private static readonly HashSet<string> s_known =
    [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "filesizeformat",
        "first", "float", "forceescape", "format", "groupby", "indent", "int", "items", "join", "last", "length", "list",
        "lower", "map", "max", "min", "pprint", "random", "reject", "rejectattr", "replace", "reverse", "round", "safe",
        "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title", "tojson", "trim", "truncate",
        "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr",
    ];

    public static bool IsKnown(string name) => s_known.Contains(name);

    public static object? Apply(JinjaInterpreter interp, string name, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs)
    {
        var a = new PyMethods.Args(name, args, kwargs);
        var taint = interp.Taint;
        switch (name)
        {
            case "tojson":
                {
                    bool ensureAscii = Py.Truthy(a.Optional(0, "ensure_ascii", false));
                    var indentV = a.Optional(1, "indent", null);
                    var separators = a.Optional(2, "separators", null);
                    bool sortKeys = Py.Truthy(a.Optional(3, "sort_keys", false));
                    string? indent = indentV switch
                    {
                        null => null,
                        string s => s,
                        Markup m => m.Value,
                        _ => new string(' ', Py.ToWidth(indentV)),
                    };
                    string itemSep = indent is null ? ", " : ",", keySep = ": ";
                    if (separators is PyList { Count: 2 } seps)
                    {
                        itemSep = Py.AsString(seps.Items[0]) ?? throw Py.TypeError("separators must be strings");
                        keySep = Py.AsString(seps.Items[1]) ?? throw Py.TypeError("separators must be strings");
                    }

                    return taint.Whole(PyJson.Dumps(value, indent, itemSep, keySep, sortKeys, ensureAscii), value);
                }

            case "length":
            case "count":
                return Py.Length(value);
            case "trim":
                {
                    string? chars = Py.AsString(a.Optional(0, "chars", null));
                    var s = SoftStr(value, taint);
                    return WrapLike(value, PyMethods.Strip(taint, s, chars, true, true));
                }

            case "string":
                return value is Markup ? value : SoftStr(value, taint);
            case "safe":
                return value is Markup ? value : new Markup(SoftStr(value, taint));
            case "e":
            case "escape":
            case "forceescape":
                return value is Markup && name != "forceescape" ? value : new Markup(taint.Whole(Markup.Escape(SoftStr(value, taint)), value));
            case "upper":
                return WrapLike(value, taint.Whole(PyUnicode.Upper(SoftStr(value, taint)), value));
            case "lower":
                return WrapLike(value, taint.Whole(PyUnicode.Lower(SoftStr(value, taint)), value));
            case "capitalize":
                return WrapLike(value, taint.Whole(PyUnicode.Capitalize(SoftStr(value, taint)), value));
            case "title":
                return WrapLike(value, taint.Whole(TitleFilter(SoftStr(value, taint)), value));
            case "d":
            case "default":
                {
                    var dflt = a.Optional(0, "default_value", "");
                    bool boolean = Py.Truthy(a.Optional(1, "boolean", false));
                    return value is Undefined || (boolean && !Py.Truthy(value)) ? dflt : value;
                }

            case "join":
                {
                    string sep = Py.Str(a.Optional(0, "d", ""));
                    var attribute = a.Optional(1, "attribute", null);
                    var items = Py.Iterate(value);
                    var parts = new List<string>(items.Count);
                    foreach (var item in items)
                    {
                        var x = attribute is null ? item : GetPath(interp, item, attribute);
                        parts.Add(Py.Str(x) is var str && x is not string and not Markup ? taint.Whole(str, x) : str);
                    }

                    return taint.Join(parts, sep);
                }

            case "first":
                {
                    var items = value is PyList l ? l.Items : Py.Iterate(value);
                    return items.Count > 0 ? items[0] : new Undefined(hint: "No first item, sequence was empty.");
                }

            case "last":
                {
                    if (value is not (PyList or string or Markup or PyDict or Undefined))
                    {
                        throw Py.TypeError($"'{Py.TypeName(value)}' object is not reversible");
                    }

                    var items = value is PyList l ? l.Items : Py.Iterate(value);
                    return items.Count > 0 ? items[^1] : new Undefined(hint: "No last item, sequence was empty.");
                }

            case "list":
                return new PyList([.. Py.Iterate(value, taint)]);
            case "items":
                {
                    if (value is Undefined)
                    {
                        return new PyList();
                    }

                    if (value is not PyDict d)
                    {
                        throw Py.TypeError("Can only get item pairs from a mapping.");
                    }

                    return new PyIterator([.. d.Items.Select(kv => (object?)new PyList([kv.Key, kv.Value], isTuple: true))], "dict_itemiterator");
                }

            case "dictsort":
                {
                    bool caseSensitive = Py.Truthy(a.Optional(0, "case_sensitive", false));
                    string by = Py.Str(a.Optional(1, "by", "key"));
                    bool reverse = Py.Truthy(a.Optional(2, "reverse", false));
                    if (value is not PyDict d)
                    {
                        throw new JinjaRuntimeException("FilterArgumentError: dictsort expects a mapping");
                    }

                    int pos = by switch
                    {
                        "key" => 0,
                        "value" => 1,
                        _ => throw new JinjaRuntimeException("FilterArgumentError: You can only sort by either \"key\" or \"value\""),
                    };
                    var items = d.Items.Select(kv => (object?)new PyList([kv.Key, kv.Value], isTuple: true)).ToList();
                    var sorted = StableSort(items, x => SortKey(((PyList)x!).Items[pos], caseSensitive), reverse);
                    return new PyList(sorted);
                }

            case "sort":
                {
                    bool reverse = Py.Truthy(a.Optional(0, "reverse", false));
                    bool caseSensitive = Py.Truthy(a.Optional(1, "case_sensitive", false));
                    var attribute = a.Optional(2, "attribute", null);
                    var items = Py.Iterate(value).ToList();
                    return new PyList(StableSort(items, x => SortKey(attribute is null ? x : GetPath(interp, x, attribute), caseSensitive), reverse));
                }

            case "unique":
                {
                    bool caseSensitive = Py.Truthy(a.Optional(0, "case_sensitive", false));
                    var attribute = a.Optional(1, "attribute", null);
                    var seen = new List<object?>();
                    var result = new List<object?>();
                    foreach (var item in Py.Iterate(value))
                    {
                        var key = SortKey(attribute is null ? item : GetPath(interp, item, attribute), caseSensitive);
                        if (!seen.Any(s => Py.Eq(s, key)))
                        {
                            seen.Add(key);
                            result.Add(item);
                        }
                    }

                    return new PyIterator(result);
                }

            case "reverse":
                {
                    if (Py.IsString(value))
                    {
                        var chars = Py.Chars(Py.AsString(value)!);
                        chars.Reverse();
                        return WrapLike(value, taint.Whole(string.Concat(chars.Select(c => (string)c!)), value));
                    }

                    var items = Py.Iterate(value).ToList();
                    items.Reverse();
                    return value is PyList ? new PyIterator(items, "list_reverseiterator") : new PyList(items);
                }

            case "replace":
                {
                    var oldV = a.Required(0, "old");
                    var newV = a.Required(1, "new");
                    var countV = a.Optional(2, "count", null);
                    string s = SoftStr(value, taint);
                    string r = PyMethods.Replace(s, Py.Str(oldV), Py.Str(newV), countV is null ? -1 : Py.ToLong(countV));
                    return WrapLike(value, ReferenceEquals(r, s) ? s : taint.Whole(r, s, newV));
                }

            case "indent":
                {
                    var widthV = a.Optional(0, "width", 4L);
                    bool first = Py.Truthy(a.Optional(1, "first", false));
                    bool blank = Py.Truthy(a.Optional(2, "blank", false));
                    string indention = widthV is string ws ? ws : new string(' ', Py.ToWidth(widthV));
                    string s = SoftStr(value, taint) + "\n";
                    var lines = PyMethods.SplitLines(s, keepEnds: false);
                    string rv;
                    if (blank)
                    {
                        rv = string.Join("\n" + indention, lines);
                    }
                    else
                    {
                        rv = lines.Count > 0 ? lines[0] : "";
                        if (lines.Count > 1)
                        {
                            rv += "\n" + string.Join("\n", lines.Skip(1).Select(l => l.Length > 0 ? indention + l : l));
                        }
                    }

                    if (first)
                    {
                        rv = indention + rv;
                    }

                    return WrapLike(value, taint.Whole(rv, value));
                }

            case "int":
                {
                    var dflt = a.Optional(0, "default", 0L);
                    var numberBase = a.Optional(1, "base", 10L);
                    return ToInt(value, dflt, numberBase);
                }

            case "float":
                {
                    var dflt = a.Optional(0, "default", 0.0);
                    return ToFloat(value) ?? dflt;
                }

            case "abs":
                return Py.IsNumber(value) ? PyNumber.Abs(value!) : throw Py.TypeError($"bad operand type for abs(): '{Py.TypeName(value)}'");
            case "round":
                {
                    var precisionV = a.Optional(0, "precision", 0L);
                    string method = Py.Str(a.Optional(1, "method", "common"));
                    if (method is not ("common" or "ceil" or "floor"))
                    {
                        throw new JinjaRuntimeException("FilterArgumentError: method must be common, ceil or floor");
                    }

                    if (!Py.IsNumber(value))
                    {
                        throw Py.TypeError($"type {Py.TypeName(value)} doesn't define __round__ method");
                    }

                    if (method == "common")
                    {
                        long precision = Py.ToLong(precisionV);
                        return value is double d ? PyNumber.Round(d, precision) : PyNumber.RoundInt(value!, precision);
                    }

                    // Jinja2: math.ceil/floor(value * 10 ** precision) / 10 ** precision.
                    var factor = Py.Arith("**", 10L, precisionV, taint);
                    return PyNumber.TrueDivide(PyNumber.FloorOrCeil(Py.Arith("*", value, factor, taint)!, method == "ceil"), factor!);
                }

            case "attr":
                {
                    string attrName = Py.Str(a.Required(0, "name"));
                    return value is PyNamespace ns && ns.Attributes.TryGetValue(attrName, out var v) ? v
                        : value is LoopContext lc && lc.GetField(attrName) is { } f ? f
                        : new Undefined(name: attrName, owner: value);
                }

            case "map":
                {
                    var items = Py.Truthy(value) ? Py.Iterate(value) : [];
                    var result = new List<object?>(items.Count);
                    var attribute = kwargs.FirstOrDefault(k => k.Key == "attribute");
                    if (attribute.Key is not null)
                    {
                        var dflt = kwargs.FirstOrDefault(k => k.Key == "default");
                        foreach (var item in items)
                        {
                            var x = GetPath(interp, item, attribute.Value);
                            result.Add(x is Undefined && dflt.Key is not null ? dflt.Value : x);
                        }

                        return new PyIterator(result);
                    }

                    if (args.Count == 0)
                    {
                        throw Py.TypeError("map requires a filter argument");
                    }

                    string filter = Py.Str(args[0]);
                    var rest = args.Skip(1).ToList();
                    foreach (var item in items)
                    {
                        result.Add(interp.CallFilter(filter, item, rest, kwargs));
                    }

                    return new PyIterator(result);
                }

            case "select":
            case "reject":
            case "selectattr":
            case "rejectattr":
                {
                    bool byAttr = name.EndsWith("attr", StringComparison.Ordinal);
                    bool select = name.StartsWith("select", StringComparison.Ordinal);
                    var items = Py.Truthy(value) ? Py.Iterate(value) : [];
                    object? attribute = null;
                    int k = 0;
                    if (byAttr)
                    {
                        attribute = args.Count > 0 ? args[0] : throw Py.TypeError($"{name} requires an attribute");
                        k = 1;
                    }

                    string? test = args.Count > k ? Py.Str(args[k]) : null;
                    var testArgs = args.Skip(k + 1).ToList();
                    var result = new List<object?>();
                    foreach (var item in items)
                    {
                        var subject = byAttr ? GetPath(interp, item, attribute) : item;
                        bool ok = test is null ? Py.Truthy(subject) : JinjaInterpreter.CallTest(test, subject, testArgs, kwargs);
                        if (ok == select)
                        {
                            result.Add(item);
                        }
                    }

                    return new PyIterator(result);
                }

            case "min":
            case "max":
                {
                    bool caseSensitive = Py.Truthy(a.Optional(0, "case_sensitive", false));
                    var attribute = a.Optional(1, "attribute", null);
                    var items = Py.Iterate(value);
                    if (items.Count == 0)
                    {
                        return new Undefined(hint: $"No aggregated item, sequence was empty.");
                    }

                    object? best = items[0];
                    object? bestKey = SortKey(attribute is null ? best : GetPath(interp, best, attribute), caseSensitive);
                    foreach (var item in items.Skip(1))
                    {
                        var key = SortKey(attribute is null ? item : GetPath(interp, item, attribute), caseSensitive);
                        int c = Py.Compare(key, bestKey);
                        if (name == "min" ? c < 0 : c > 0)
                        {
                            best = item;
                            bestKey = key;
                        }
                    }

                    return best;
                }

            case "sum":
                {
                    var attribute = a.Optional(0, "attribute", null);
                    object? total = a.Optional(1, "start", 0L);
                    foreach (var item in Py.Iterate(value))
                    {
                        total = Py.Add(total, attribute is null ? item : GetPath(interp, item, attribute), taint);
                    }

                    return total;
                }

            case "format":
                {
                    if (args.Count > 0 && kwargs.Count > 0)
                    {
                        throw new JinjaRuntimeException("FilterArgumentError: can't handle positional and keyword arguments at the same time");
                    }

                    object formatArgs = kwargs.Count > 0 ? KwargsDict(kwargs) : new PyList(args, isTuple: true);
                    return taint.Whole(PyFormat.Percent(SoftStr(value, taint), formatArgs), value, formatArgs);
                }
            case "center":
                {
                    var width = a.Optional(0, "width", 80L);
                    return PyMethods.Call(interp, SoftStr(value, taint), "center", [width], []);
                }

            case "wordcount":
                return WordCount(SoftStr(value, taint));
            case "pprint":
                return taint.Whole(Py.Repr(value), value);
            case "batch":
                {
                    long size = Py.ToLong(a.Required(0, "linecount"));
                    var fill = a.Optional(1, "fill_with", null);
                    bool hasFill = args.Count > 1 || kwargs.Any(kv => kv.Key == "fill_with");
                    var result = new List<object?>();
                    List<object?>? tmp = null;
                    foreach (var item in Py.Iterate(value))
                    {
                        tmp ??= [];
                        tmp.Add(item);
                        if (tmp.Count == size)
                        {
                            result.Add(new PyList(tmp));
                            tmp = null;
                        }
                    }

                    if (tmp is not null)
                    {
                        while (hasFill && tmp.Count < size)
                        {
                            tmp.Add(fill);
                        }

                        result.Add(new PyList(tmp));
                    }

                    return new PyIterator(result);
                }

            case "truncate":
                {
                    string s = SoftStr(value, taint);
                    long length = Py.ToLong(a.Optional(0, "length", 255L));
                    bool killwords = Py.Truthy(a.Optional(1, "killwords", false));
                    string end = Py.Str(a.Optional(2, "end", "..."));
                    long leeway = Py.ToLong(a.Optional(3, "leeway", 5L));
                    int endLength = PyUnicode.Length(end);
                    if (length < endLength)
                    {
                        throw new JinjaRuntimeException($"AssertionError: expected length >= {endLength}, got {length}");
                    }

                    if (leeway < 0)
                    {
                        throw new JinjaRuntimeException($"AssertionError: expected leeway >= 0, got {leeway}");
                    }

                    if (PyUnicode.Length(s) <= length + leeway)
                    {
                        return s;
                    }

                    // s[:length - len(end)], then (unless killwords) .rsplit(" ", 1)[0].
                    string cut = s[..PyUnicode.ToUtf16Index(s, (int)Math.Min(length - endLength, int.MaxValue))];
                    if (!killwords)
                    {
                        int sp = cut.LastIndexOf(' ');
                        if (sp >= 0)
                        {
                            cut = cut[..sp];
                        }
                    }

                    return taint.Whole(cut + end, s);
                }

            case "striptags":
                {
                    string s = SoftStr(value, taint);
                    var sb = new System.Text.StringBuilder();
                    bool inTag = false;
                    foreach (char c in s)
                    {
                        if (c == '<')
                        {
                            inTag = true;
                        }
                        else if (c == '>' && inTag)
                        {
                            inTag = false;
                        }
                        else if (!inTag)
                        {
                            sb.Append(c);
                        }
                    }

                    return taint.Whole(string.Join(' ', PyMethods.Split(taint, sb.ToString(), null, -1).Items.Select(x => (string)x!)), s);
                }

            case "groupby":
                {
                    var attribute = a.Required(0, "attribute");
                    var dflt = a.Optional(1, "default", null);
                    bool caseSensitive = Py.Truthy(a.Optional(2, "case_sensitive", false));
                    object? Key(object? item)
                    {
                        var v = GetPath(interp, item, attribute);
                        return v is Undefined && dflt is not null ? dflt : v;
                    }

                    var sorted = StableSort(Py.Iterate(value).ToList(), x => SortKey(Key(x), caseSensitive), reverse: false);
                    var groups = new List<object?>();
                    object? currentKey = null;
                    List<object?>? current = null;
                    foreach (var item in sorted)
                    {
                        var k = Key(item);
                        if (current is null || !Py.Eq(SortKey(k, caseSensitive), SortKey(currentKey, caseSensitive)))
                        {
                            current = [];
                            currentKey = k;
                            groups.Add(new PyList([k, new PyList(current)], isTuple: true) { FieldNames = ["grouper", "list"] });
                        }

                        current.Add(item);
                    }

                    return new PyList(groups);
                }

            case "slice":
                {
                    long slices = Py.ToLong(a.Required(0, "slices"));
                    var fill = a.Optional(1, "fill_with", null);
                    var seq = Py.Iterate(value).ToList();
                    if (slices <= 0)
                    {
                        throw new JinjaRuntimeException("ZeroDivisionError: integer division or modulo by zero");
                    }

                    int perSlice = (int)(seq.Count / slices);
                    int withExtra = (int)(seq.Count % slices);
                    int offset = 0;
                    var result = new List<object?>();
                    for (int k = 0; k < slices && k <= seq.Count; k++)
                    {
                        int start = offset + (k * perSlice);
                        if (k < withExtra)
                        {
                            offset++;
                        }

                        int end = offset + ((k + 1) * perSlice);
                        var tmp = seq.GetRange(start, Math.Max(0, Math.Min(end, seq.Count) - start));
                        if (fill is not null && k >= withExtra)
                        {
                            tmp.Add(fill);
                        }

                        result.Add(new PyList(tmp));
                    }

                    return new PyIterator(result);
                }

            case "filesizeformat" or "random" or "urlencode" or "urlize" or "wordwrap" or "xmlattr":
                throw new JinjaRuntimeException($"TemplateRuntimeError: the '{name}' filter is not supported by ToolLoop.");
            default:
                throw new JinjaRuntimeException($"TemplateRuntimeError: No filter named '{name}' found.");
        }
    }

    private static PyDict KwargsDict(List<KeyValuePair<string, object?>> kwargs)
    {
        var d = new PyDict(kwargs.Count);
        foreach (var kv in kwargs)
        {
            d.Set(kv.Key, kv.Value);
        }

        return d;
    }

    private static object WrapLike(object? original, string s) => original is Markup ? new Markup(s) : s;

    /// <summary>Jinja's soft_str: strings as they are, everything else through str().</summary>
    public static string SoftStr(object? value, TaintTracker taint) => value switch
    {
        string s => s,
        Markup m => m.Value,
        _ => taint.Whole(Py.Str(value), value),
    };

    /// <summary>Jinja's ignore_case: strings compare by their <c>lower()</c>.</summary>
    private static object? SortKey(object? v, bool caseSensitive) =>
        !caseSensitive && v is string s ? PyUnicode.Lower(s) : !caseSensitive && v is Markup m ? PyUnicode.Lower(m.Value) : v;

    /// <summary>Jinja's <c>title</c> filter (not <c>str.title</c>): split at runs of <c>[-\s({[&lt;]</c>, and in each piece
    /// upper-case the first character and lower-case the rest.</summary>
    private static string TitleFilter(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            bool separator = IsTitleSeparator(s, i);
            while (i < s.Length && IsTitleSeparator(s, i) == separator)
            {
                PyUnicode.CodePointAt(s, i, out int w);
                i += w;
            }

            string piece = s[start..i];
            if (separator)
            {
                sb.Append(piece);
                continue;
            }

            int first = PyUnicode.CodePointAt(piece, 0, out int width);
            sb.Append(PyUnicode.UpperOf(first)).Append(PyUnicode.Lower(piece[width..]));
        }

        return sb.ToString();

        static bool IsTitleSeparator(string s, int i) => s[i] is '-' or '(' or '{' or '[' or '<' || PyUnicode.IsSpace(s[i]);
    }

    /// <summary>Jinja's <c>wordcount</c>: the number of runs of <c>\w</c> (Python's word characters: alphanumerics and <c>_</c>).</summary>
    private static long WordCount(string s)
    {
        long count = 0;
        bool inWord = false;
        for (int i = 0; i < s.Length;)
        {
            int cp = PyUnicode.CodePointAt(s, i, out int w);
            i += w;
            bool word = cp == '_' || PyUnicode.IsAlnum(cp);
            if (word && !inWord)
            {
                count++;
            }

            inWord = word;
        }

        return count;
    }

    private static List<object?> StableSort(List<object?> items, Func<object?, object?> key, bool reverse)
    {
        var keyed = items.Select((x, i) => (Item: x, Key: key(x), Index: i)).ToList();
        Py.Sort(keyed, (x, y) =>
        {
            int c = Py.Compare(x.Key, y.Key);
            if (reverse)
            {
                c = -c;
            }

            return c != 0 ? c : x.Index.CompareTo(y.Index);
        });
        return [.. keyed.Select(k => k.Item)];
    }

    /// <summary>Jinja's make_attrgetter: a dotted path, each part looked up with getitem (integers as indexes).</summary>
    public static object? GetPath(JinjaInterpreter interp, object? item, object? attribute)
    {
        if (attribute is long or bool)
        {
            return Py.GetItem(item, attribute, interp.Taint);
        }

        string path = Py.Str(attribute);
        foreach (var part in path.Split('.'))
        {
            object key = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : part;
            item = Py.GetItem(item, key, interp.Taint);
        }

        return item;
    }

    /// <summary>Jinja's <c>int</c> filter: <c>int(value, base)</c> for strings, <c>int(value)</c> otherwise, then
    /// <c>int(float(value))</c> (so <c>"42.23"|int</c> is 42), then the default on TypeError or ValueError.</summary>
    private static object? ToInt(object? value, object? dflt, object? numberBase)
    {
        switch (value)
        {
            case long or bool or System.Numerics.BigInteger:
                return value is bool b ? (b ? 1L : 0L) : value;
            case double d:
                // int(nan) raises ValueError (so the default applies); int(inf) raises OverflowError, which Jinja lets through.
                return double.IsNaN(d) ? dflt : PyNumber.FromDouble(d);
            case string or Markup:
                {
                    string s = Py.AsString(value)!;
                    // A base that is not an int in 2..36 (or 0) is a TypeError or ValueError: Jinja goes on to float().
                    int radix = numberBase is long or bool ? (int)Math.Clamp(Py.ToLong(numberBase), -1, 37) : -1;
                    if (PyNumber.ParseInt(s, radix) is { } parsed)
                    {
                        return parsed;
                    }

                    return PyNumber.ParseFloat(s) is double f && !double.IsNaN(f) ? PyNumber.FromDouble(f) : dflt;
                }

            default:
                return dflt;
        }
    }

    private static double? ToFloat(object? value) => value switch
    {
        long or bool or double or System.Numerics.BigInteger => Py.ToDouble(value),
        string or Markup => PyNumber.ParseFloat(Py.AsString(value)!),
        _ => null,
    };
}
