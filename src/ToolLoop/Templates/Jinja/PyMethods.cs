using System.Globalization;
using System.Text;

namespace ToolLoop;

/// <summary>The methods of str, dict and list that templates call, with Python semantics. Unlike
/// Hugging Face's immutable sandbox (and like llama.cpp), list and dict methods that mutate are allowed:
/// values here are plain data copied per render, so mutation cannot reach anything outside the render,
/// and the render caps still apply. Tuples stay immutable.</summary>
internal static class PyMethods
{
    private static readonly HashSet<string> s_stringMethods =
    [
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "replace", "upper", "lower",
        "title", "capitalize", "swapcase", "format", "find", "rfind", "index", "rindex", "count", "join", "isdigit", "isalpha",
        "isalnum", "isspace", "isupper", "islower", "isnumeric", "isdecimal", "istitle", "zfill", "center", "ljust", "rjust",
        "partition", "rpartition", "removeprefix", "removesuffix", "casefold", "expandtabs",
    ];

    public static bool IsStringMethod(string name) => s_stringMethods.Contains(name);

    public static bool IsDictMethod(string name) =>
        name is "items" or "keys" or "values" or "get" or "copy" or "clear" or "pop" or "popitem" or "setdefault" or "update";

    public static bool IsListMethod(string name, bool isTuple) =>
        name is "index" or "count" || (!isTuple && name is "copy" or "append" or "clear" or "pop" or "reverse" or "insert" or "sort" or "extend" or "remove");

    public static object? Call(JinjaInterpreter interp, object? receiver, string name, List<object?> args, List<KeyValuePair<string, object?>> kwargs)
    {
        switch (receiver)
        {
            case string or Markup:
                {
                    string s = Py.AsString(receiver)!;
                    if (receiver is Markup && name is "join" or "format")
                    {
                        // Markup.join and Markup.format escape their arguments.
                        var escapedArgs = name == "join" && args.Count == 1
                            ? [new PyList([.. Py.Iterate(args[0]).Select(Markup.EscapeArgument)])]
                            : args.Select(Markup.EscapeArgument).ToList();
                        var escapedKwargs = kwargs.Select(kv => new KeyValuePair<string, object?>(kv.Key, Markup.EscapeArgument(kv.Value))).ToList();
                        string formatted = Py.Str(CallString(interp, s, name, new Args(name, escapedArgs, escapedKwargs)));
                        return new Markup(interp.Taint.Whole(formatted, receiver, new PyList(args), new PyList([.. kwargs.Select(kv => kv.Value)])));
                    }

                    object? result = CallString(interp, s, name, new Args(name, args, kwargs));
                    if (receiver is Markup && result is string rs)
                    {
                        return new Markup(rs);
                    }

                    if (receiver is Markup && result is PyList parts)
                    {
                        return new PyList([.. parts.Items.Select(p => p is string ps ? new Markup(ps) : p)], parts.IsTuple);
                    }

                    return result;
                }

            case PyDict d:
                {
                    var a = new Args(name, args, kwargs);
                    switch (name)
                    {
                        case "items":
                            a.NoMore(0);
                            return new PyList([.. d.Items.Select(kv => (object?)new PyList([kv.Key, kv.Value], isTuple: true))]);
                        case "keys":
                            a.NoMore(0);
                            return new PyList([.. d.Keys]);
                        case "values":
                            a.NoMore(0);
                            return new PyList([.. d.Values]);
                        case "get":
                            {
                                var key = a.Required(0, "key");
                                var dflt = a.Optional(1, "default", null);
                                a.NoMore(2);
                                return d.TryGetValue(key, out var v) ? v : dflt;
                            }

                        case "copy":
                            {
                                var copy = new PyDict(d.Count);
                                foreach (var kv in d.Items)
                                {
                                    copy.Set(kv.Key, kv.Value);
                                }

                                return copy;
                            }

                        case "clear":
                            d.Clear();
                            return null;
                        case "pop":
                            {
                                var key = a.Required(0, "key");
                                if (d.Remove(key, out var removed))
                                {
                                    return removed;
                                }

                                return args.Count > 1 ? args[1] : throw new JinjaRuntimeException($"KeyError: {Py.Repr(key)}");
                            }

                        case "popitem":
                            if (d.Count == 0)
                            {
                                throw new JinjaRuntimeException("KeyError: 'popitem(): dictionary is empty'");
                            }

                            {
                                var last = d.PopLast();
                                return new PyList([last.Key, last.Value], isTuple: true);
                            }

                        case "setdefault":
                            {
                                var key = a.Required(0, "key");
                                if (d.TryGetValue(key, out var existing))
                                {
                                    return existing;
                                }

                                var dflt = a.Optional(1, "default", null);
                                d.Set(key, dflt);
                                return dflt;
                            }

                        case "update":
                            {
                                if (args.Count > 0)
                                {
                                    if (args[0] is PyDict other)
                                    {
                                        foreach (var kv in other.Items.ToList())
                                        {
                                            d.Set(kv.Key, kv.Value);
                                        }
                                    }
                                    else
                                    {
                                        foreach (var pair in Py.Iterate(args[0]).ToList())
                                        {
                                            var kv = Py.Iterate(pair);
                                            if (kv.Count != 2)
                                            {
                                                throw new JinjaRuntimeException("ValueError: dictionary update sequence element has the wrong length; 2 is required");
                                            }

                                            d.Set(kv[0], kv[1]);
                                        }
                                    }
                                }

                                foreach (var kv in kwargs)
                                {
                                    d.Set(kv.Key, kv.Value);
                                }

                                return null;
                            }
                    }

                    break;
                }

            case PyList l:
                {
                    var a = new Args(name, args, kwargs);
                    switch (name)
                    {
                        case "index":
                            {
                                var x = a.Required(0, "value");
                                for (int i = 0; i < l.Count; i++)
                                {
                                    if (Py.Eq(l.Items[i], x))
                                    {
                                        return (long)i;
                                    }
                                }

                                throw new JinjaRuntimeException($"ValueError: {Py.Repr(x)} is not in list");
                            }

                        case "count":
                            {
                                var x = a.Required(0, "value");
                                return (long)l.Items.Count(i => Py.Eq(i, x));
                            }

                        case "copy":
                            return new PyList([.. l.Items], l.IsTuple);
                        case "append":
                            a.NoMore(1);
                            GrowGuard(l, 1);
                            l.Items.Add(a.Required(0, "object"));
                            return null;
                        case "extend":
                            {
                                var more = Py.Iterate(a.Required(0, "iterable")).ToList();
                                GrowGuard(l, more.Count);
                                l.Items.AddRange(more);
                                return null;
                            }

                        case "insert":
                            {
                                long index = Py.ToLong(a.Required(0, "index"));
                                var x = a.Required(1, "object");
                                GrowGuard(l, 1);
                                if (index < 0)
                                {
                                    index = Math.Max(0, index + l.Count);
                                }

                                l.Items.Insert((int)Math.Min(index, l.Count), x);
                                return null;
                            }

                        case "pop":
                            {
                                if (l.Count == 0)
                                {
                                    throw new JinjaRuntimeException("IndexError: pop from empty list");
                                }

                                long index = Py.ToLong(a.Optional(0, "index", -1L));
                                if (index < 0)
                                {
                                    index += l.Count;
                                }

                                if (index < 0 || index >= l.Count)
                                {
                                    throw new JinjaRuntimeException("IndexError: pop index out of range");
                                }

                                var item = l.Items[(int)index];
                                l.Items.RemoveAt((int)index);
                                return item;
                            }

                        case "remove":
                            {
                                var x = a.Required(0, "value");
                                int at = l.Items.FindIndex(i => Py.Eq(i, x));
                                if (at < 0)
                                {
                                    throw new JinjaRuntimeException("ValueError: list.remove(x): x not in list");
                                }

                                l.Items.RemoveAt(at);
                                return null;
                            }

                        case "reverse":
                            l.Items.Reverse();
                            return null;
                        case "clear":
                            l.Items.Clear();
                            return null;
                        case "sort":
                            {
                                bool reverse = Py.Truthy(kwargs.FirstOrDefault(k => k.Key == "reverse").Value);
                                var sorted = l.Items.Select((x, i) => (x, i)).ToList();
                                Py.Sort(sorted, (p, q) =>
                                {
                                    int c = Py.Compare(p.x, q.x);
                                    return c != 0 ? (reverse ? -c : c) : p.i.CompareTo(q.i);
                                });
                                l.Items.Clear();
                                l.Items.AddRange(sorted.Select(p => p.x));
                                return null;
                            }
                    }

                    break;
                }
        }

        throw new JinjaRuntimeException($"AttributeError: '{Py.TypeName(receiver)}' object has no attribute '{name}'");
    }

    private static void GrowGuard(PyList list, int more)
    {
        if ((long)list.Count + more > JinjaInterpreter.HardStringLimit)
        {
            throw new JinjaRuntimeException("MemoryError: list too large");
        }
    }

    private static string? OptChars(object? v, string method) => v switch
    {
        null => null,
        string s => s,
        Markup m => m.Value,
        _ => throw Py.TypeError($"{method} arg must be None or str"),
    };

    public static string Strip(TaintTracker taint, string s, string? chars, bool left, bool right)
    {
        int start = 0, end = s.Length;
        if (chars is null || !PyUnicode.HasSurrogates(chars) && !PyUnicode.HasSurrogates(s))
        {
            if (left)
            {
                while (start < end && (chars is null ? Py.IsPyWhitespace(s[start]) : chars.Contains(s[start], StringComparison.Ordinal)))
                {
                    start++;
                }
            }

            if (right)
            {
                while (end > start && (chars is null ? Py.IsPyWhitespace(s[end - 1]) : chars.Contains(s[end - 1], StringComparison.Ordinal)))
                {
                    end--;
                }
            }

            return taint.Sub(s, start, end - start);
        }

        // Characters outside the BMP: strip whole code points of the set, never half a surrogate pair.
        var set = new HashSet<int>();
        for (int i = 0; i < chars.Length;)
        {
            set.Add(PyUnicode.CodePointAt(chars, i, out int w));
            i += w;
        }

        if (left)
        {
            while (start < end && set.Contains(PyUnicode.CodePointAt(s, start, out int w)))
            {
                start += w;
            }
        }

        if (right)
        {
            while (end > start)
            {
                int at = end >= 2 && char.IsLowSurrogate(s[end - 1]) && char.IsHighSurrogate(s[end - 2]) && end - 2 >= start ? end - 2 : end - 1;
                if (!set.Contains(PyUnicode.CodePointAt(s, at, out _)))
                {
                    break;
                }

                end = at;
            }
        }

        return taint.Sub(s, start, end - start);
    }

    public static PyList Split(TaintTracker taint, string s, string? sep, long maxsplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            long splits = 0;
            while (true)
            {
                while (i < s.Length && Py.IsPyWhitespace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    break;
                }

                if (maxsplit >= 0 && splits >= maxsplit)
                {
                    int end = s.Length;
                    while (end > i && Py.IsPyWhitespace(s[end - 1]))
                    {
                        end--;
                    }

                    parts.Add(taint.Sub(s, i, end - i));
                    break;
                }

                int j = i;
                while (j < s.Length && !Py.IsPyWhitespace(s[j]))
                {
                    j++;
                }

                parts.Add(taint.Sub(s, i, j - i));
                splits++;
                i = j;
            }

            return new PyList(parts);
        }

        if (sep.Length == 0)
        {
            throw new JinjaRuntimeException("ValueError: empty separator");
        }

        int pos = 0;
        long count = 0;
        while (maxsplit < 0 || count < maxsplit)
        {
            int idx = s.IndexOf(sep, pos, StringComparison.Ordinal);
            if (idx < 0)
            {
                break;
            }

            parts.Add(taint.Sub(s, pos, idx - pos));
            pos = idx + sep.Length;
            count++;
        }

        parts.Add(taint.Sub(s, pos, s.Length - pos));
        return new PyList(parts);
    }

    private static PyList RSplit(TaintTracker taint, string s, string? sep, long maxsplit)
    {
        if (maxsplit < 0)
        {
            return Split(taint, s, sep, maxsplit);
        }

        if (sep is null)
        {
            var all = Split(taint, s, null, -1);
            if (all.Count <= maxsplit + 1)
            {
                return all;
            }

            // Re-split from the right keeping the head intact.
            var result = new List<object?>();
            int end = s.Length;
            long done = 0;
            while (done < maxsplit)
            {
                while (end > 0 && Py.IsPyWhitespace(s[end - 1]))
                {
                    end--;
                }

                int j = end;
                while (j > 0 && !Py.IsPyWhitespace(s[j - 1]))
                {
                    j--;
                }

                result.Insert(0, taint.Sub(s, j, end - j));
                end = j;
                done++;
            }

            int start = 0;
            while (start < end && Py.IsPyWhitespace(s[start]))
            {
                start++;
            }

            while (end > start && Py.IsPyWhitespace(s[end - 1]))
            {
                end--;
            }

            result.Insert(0, taint.Sub(s, start, end - start));
            return new PyList(result);
        }

        var parts = new List<object?>();
        int pos = s.Length;
        long count = 0;
        while (count < maxsplit)
        {
            int idx = pos - sep.Length < 0 ? -1 : s.LastIndexOf(sep, pos - 1, StringComparison.Ordinal);
            if (idx < 0 || idx + sep.Length > pos)
            {
                break;
            }

            parts.Insert(0, taint.Sub(s, idx + sep.Length, pos - idx - sep.Length));
            pos = idx;
            count++;
        }

        parts.Insert(0, taint.Sub(s, 0, pos));
        return new PyList(parts);
    }

    public static List<string> SplitLines(string s, bool keepEnds)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                int end = i;
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                {
                    i++;
                }

                lines.Add(keepEnds ? s[start..(i + 1)] : s[start..end]);
                start = i + 1;
            }
        }

        if (start < s.Length)
        {
            lines.Add(s[start..]);
        }

        return lines;
    }

    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0 && old.Length > 0)
        {
            return s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        if (old.Length == 0)
        {
            long n = 0;
            var chars = Py.Chars(s);
            foreach (var ch in chars)
            {
                if (count < 0 || n < count)
                {
                    sb.Append(replacement);
                    n++;
                }

                sb.Append((string)ch!);
            }

            if (count < 0 || n < count)
            {
                sb.Append(replacement);
            }

            return sb.ToString();
        }

        int pos = 0;
        long done = 0;
        while (done < count)
        {
            int idx = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (idx < 0)
            {
                break;
            }

            sb.Append(s, pos, idx - pos).Append(replacement);
            pos = idx + old.Length;
            done++;
        }

        sb.Append(s, pos, s.Length - pos);
        return sb.ToString();
    }

    /// <summary>Python's <c>s[start:end]</c> bounds for the optional arguments of find, count, startswith…:
    /// code point indexes (None for a missing bound, negatives from the end, clamped), as UTF-16 offsets.
    /// Null when start lies beyond the end (Python then finds nothing, not even an empty string).</summary>
    private static (int Start, int End)? Window(string s, object? start, object? end)
    {
        long len = PyUnicode.Length(s);
        long st = start is null ? 0 : SliceBound(start, len);
        long en = end is null ? len : SliceBound(end, len);
        if (st > len)
        {
            return null;
        }

        en = Math.Min(en, len);
        int a = PyUnicode.ToUtf16Index(s, (int)st);
        return (a, en > st ? PyUnicode.ToUtf16Index(s, (int)en) : a);

        static long SliceBound(object v, long len)
        {
            long i = v is System.Numerics.BigInteger big ? (big.Sign < 0 ? -len - 1 : len + 1) : Py.ToLong(v);
            return i < 0 ? Math.Max(0, i + len) : Math.Min(i, len + 1);
        }
    }

    private static bool StartsOrEnds(string s, object? affix, object? start, object? end, bool starts)
    {
        if (Window(s, start, end) is not var (st, en))
        {
            return false;
        }

        string window = s[st..en];
        if (affix is PyList { IsTuple: true } tuple)
        {
            return tuple.Items.Any(a => StartsOrEnds(window, a, null, null, starts));
        }

        string? text = Py.AsString(affix) ?? throw Py.TypeError($"{(starts ? "startswith" : "endswith")} first arg must be str or a tuple of str, not {Py.TypeName(affix)}");
        return starts ? window.StartsWith(text, StringComparison.Ordinal) : window.EndsWith(text, StringComparison.Ordinal);
    }

    /// <summary>The padding for center/ljust/rjust/zfill: the width in code points against the string's length.</summary>
    private static string Pad(TaintTracker taint, string s, object? widthV, string fill, string method)
    {
        int width = Py.ToWidth(widthV);
        int length = PyUnicode.Length(s);
        if (length >= width)
        {
            return s;
        }

        int pad = width - length;
        int left = method switch
        {
            "ljust" => 0,
            "rjust" => pad,
            _ => (pad / 2) + (pad & width & 1),
        };
        return taint.Whole(Repeat(fill, left) + s + Repeat(fill, pad - left), s);

        static string Repeat(string fill, int n) => fill.Length == 1 ? new string(fill[0], n) : string.Concat(Enumerable.Repeat(fill, n));
    }

    /// <summary>Python's <c>str.expandtabs</c>: each tab pads to the next multiple of tabsize; newlines reset the column.</summary>
    private static string ExpandTabs(string s, long tabSize)
    {
        var sb = new StringBuilder(s.Length);
        long column = 0;
        for (int i = 0; i < s.Length;)
        {
            int cp = PyUnicode.CodePointAt(s, i, out int w);
            if (cp == '\t')
            {
                if (tabSize > 0)
                {
                    long n = tabSize - (column % tabSize);
                    if (sb.Length + n > JinjaInterpreter.HardStringLimit)
                    {
                        throw new JinjaRuntimeException("MemoryError: string too large");
                    }

                    sb.Append(' ', (int)n);
                    column += n;
                }
            }
            else
            {
                sb.Append(s, i, w);
                column = cp is '\n' or '\r' ? 0 : column + 1;
            }

            i += w;
        }

        return sb.ToString();
    }

    private static object? CallString(JinjaInterpreter interp, string s, string name, Args a)
    {
        var taint = interp.Taint;
        switch (name)
        {
            case "strip":
            case "lstrip":
            case "rstrip":
                {
                    string? chars = OptChars(a.Optional(0, "chars", null), name);
                    a.NoMore(1);
                    return Strip(taint, s, chars, name != "rstrip", name != "lstrip");
                }

            case "split":
            case "rsplit":
                {
                    string? sep = OptChars(a.Optional(0, "sep", null), name);
                    long max = Py.ToLong(a.Optional(1, "maxsplit", -1L));
                    a.NoMore(2);
                    return name == "split" ? Split(taint, s, sep, max) : RSplit(taint, s, sep, max);
                }

            case "splitlines":
                {
                    bool keep = Py.Truthy(a.Optional(0, "keepends", false));
                    return new PyList([.. SplitLines(s, keep).Select(x => (object?)taint.Whole(x, s))]);
                }

            case "startswith":
            case "endswith":
                {
                    var affix = a.Required(0, "prefix");
                    var st = a.Optional(1, "start", null);
                    var en = a.Optional(2, "end", null);
                    return StartsOrEnds(s, affix, st, en, name == "startswith");
                }

            case "replace":
                {
                    string old = Py.AsString(a.Required(0, "old")) ?? throw Py.TypeError("replace() argument 1 must be str");
                    var newV = a.Required(1, "new");
                    string repl = Py.AsString(newV) ?? throw Py.TypeError("replace() argument 2 must be str");
                    long count = Py.ToLong(a.Optional(2, "count", -1L));
                    string r = Replace(s, old, repl, count);
                    return ReferenceEquals(r, s) ? s : taint.Whole(r, s, newV);
                }

            case "upper": return taint.Whole(PyUnicode.Upper(s), s);
            case "lower": return taint.Whole(PyUnicode.Lower(s), s);
            case "casefold": return taint.Whole(PyUnicode.CaseFold(s), s);
            case "title": return taint.Whole(PyUnicode.Title(s), s);
            case "capitalize": return taint.Whole(PyUnicode.Capitalize(s), s);
            case "swapcase": return taint.Whole(PyUnicode.SwapCase(s), s);
            case "format":
                return taint.Whole(PyFormat.Format(interp, s, a.Positional, a.Keywords), s, new PyList(a.Positional), new PyList([.. a.Keywords.Select(k => k.Value)]));
            case "find":
            case "rfind":
            case "index":
            case "rindex":
                {
                    string sub = Py.AsString(a.Required(0, "sub")) ?? throw Py.TypeError("must be str, not " + Py.TypeName(a.Required(0, "sub")));
                    int idx = -1;
                    if (Window(s, a.Optional(1, "start", null), a.Optional(2, "end", null)) is var (st, en))
                    {
                        int at = name is "find" or "index"
                            ? s.AsSpan(st, en - st).IndexOf(sub, StringComparison.Ordinal)
                            : s.AsSpan(st, en - st).LastIndexOf(sub, StringComparison.Ordinal);
                        idx = at < 0 ? -1 : PyUnicode.ToCodePointIndex(s, st + at);
                    }

                    if (idx < 0 && name is "index" or "rindex")
                    {
                        throw new JinjaRuntimeException("ValueError: substring not found");
                    }

                    return (long)idx;
                }

            case "count":
                {
                    string sub = Py.AsString(a.Required(0, "sub")) ?? throw Py.TypeError("must be str, not " + Py.TypeName(a.Required(0, "sub")));
                    if (Window(s, a.Optional(1, "start", null), a.Optional(2, "end", null)) is not var (st, en))
                    {
                        return 0L;
                    }

                    string window = s[st..en];
                    if (sub.Length == 0)
                    {
                        return (long)PyUnicode.Length(window) + 1;
                    }

                    long n = 0;
                    int p = 0;
                    while ((p = window.IndexOf(sub, p, StringComparison.Ordinal)) >= 0)
                    {
                        n++;
                        p += sub.Length;
                    }

                    return n;
                }

            case "join":
                {
                    var items = Py.Iterate(a.Required(0, "iterable"));
                    var parts = new List<string>(items.Count);
                    foreach (var item in items)
                    {
                        parts.Add(Py.AsString(item) ?? throw Py.TypeError($"sequence item {parts.Count}: expected str instance, {Py.TypeName(item)} found"));
                    }

                    return taint.Join(parts, s);
                }

            case "isdigit": return PyUnicode.All(s, PyUnicode.IsDigit);
            case "isnumeric": return PyUnicode.All(s, PyUnicode.IsNumeric);
            case "isdecimal": return PyUnicode.All(s, PyUnicode.IsDecimal);
            case "isalpha": return PyUnicode.All(s, PyUnicode.IsAlpha);
            case "isalnum": return PyUnicode.All(s, PyUnicode.IsAlnum);
            case "isspace": return PyUnicode.All(s, PyUnicode.IsSpace);
            case "isupper": return PyUnicode.StrIsUpper(s);
            case "islower": return PyUnicode.StrIsLower(s);
            case "istitle": return PyUnicode.StrIsTitle(s);
            case "zfill":
                {
                    int width = Py.ToWidth(a.Required(0, "width"));
                    int length = PyUnicode.Length(s);
                    if (length >= width)
                    {
                        return s;
                    }

                    bool sign = s.Length > 0 && (s[0] == '-' || s[0] == '+');
                    string digits = sign ? s[1..] : s;
                    return taint.Whole((sign ? s[0].ToString() : "") + new string('0', width - length) + digits, s);
                }

            case "center":
            case "ljust":
            case "rjust":
                {
                    var fillV = a.Optional(1, "fillchar", " ");
                    string fill = Py.AsString(fillV) ?? throw Py.TypeError($"The fill character must be a unicode character, not {Py.TypeName(fillV)}");
                    if (PyUnicode.Length(fill) != 1)
                    {
                        throw Py.TypeError("The fill character must be exactly one character long");
                    }

                    return Pad(taint, s, a.Required(0, "width"), fill, name);
                }

            case "partition":
            case "rpartition":
                {
                    string sep = Py.AsString(a.Required(0, "sep")) ?? throw Py.TypeError("must be str");
                    int idx = name == "partition" ? s.IndexOf(sep, StringComparison.Ordinal) : s.LastIndexOf(sep, StringComparison.Ordinal);
                    if (idx < 0)
                    {
                        return name == "partition" ? new PyList([s, "", ""], isTuple: true) : new PyList(["", "", s], isTuple: true);
                    }

                    return new PyList([taint.Sub(s, 0, idx), sep, taint.Sub(s, idx + sep.Length, s.Length - idx - sep.Length)], isTuple: true);
                }

            case "removeprefix":
                {
                    string p = Py.AsString(a.Required(0, "prefix")) ?? "";
                    return p.Length > 0 && s.StartsWith(p, StringComparison.Ordinal) ? taint.Sub(s, p.Length, s.Length - p.Length) : s;
                }

            case "removesuffix":
                {
                    string p = Py.AsString(a.Required(0, "suffix")) ?? "";
                    return p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? taint.Sub(s, 0, s.Length - p.Length) : s;
                }

            case "expandtabs":
                return taint.Whole(ExpandTabs(s, Py.ToLong(a.Optional(0, "tabsize", 8L))), s);
        }

        throw new JinjaRuntimeException($"AttributeError: 'str' object has no attribute '{name}'");
    }

    /// <summary>Positional and keyword arguments of a call, read the way Python binds them.</summary>
    internal sealed class Args(string function, List<object?> positional, List<KeyValuePair<string, object?>> keywords)
    {
        public List<object?> Positional { get; } = positional;

        public List<KeyValuePair<string, object?>> Keywords { get; } = keywords;

        public object? Required(int index, string name)
        {
            if (index < Positional.Count)
            {
                return Positional[index];
            }

            foreach (var kv in Keywords)
            {
                if (kv.Key == name)
                {
                    return kv.Value;
                }
            }

            throw Py.TypeError($"{function}() missing required argument '{name}' (pos {index + 1})");
        }

        public object? Optional(int index, string name, object? defaultValue)
        {
            if (index < Positional.Count)
            {
                return Positional[index];
            }

            foreach (var kv in Keywords)
            {
                if (kv.Key == name)
                {
                    return kv.Value;
                }
            }

            return defaultValue;
        }

        public void NoMore(int maxPositional)
        {
            if (Positional.Count > maxPositional)
            {
                throw Py.TypeError($"{function}() takes at most {maxPositional} arguments ({Positional.Count} given)");
            }
        }
    }
}
