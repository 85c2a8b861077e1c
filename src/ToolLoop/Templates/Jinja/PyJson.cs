using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolLoop;

/// <summary>Python's <c>json.dumps</c> (Hugging Face's <c>tojson</c> filter) and conversion of JSON
/// inputs into template values.</summary>
internal static class PyJson
{
    /// <summary>The largest builder kept for reuse (characters).</summary>
    private const int MaxCachedBuilder = 16 * 1024;

    /// <summary>A builder reused by <see cref="Dumps"/> on this thread: templates call <c>tojson</c> per tool and per call,
    /// and a fresh builder regrows its chunks every time.</summary>
    [ThreadStatic]
    private static StringBuilder? s_builder;

    public static string Dumps(object? value, string? indent, string itemSeparator, string keySeparator, bool sortKeys, bool ensureAscii)
    {
        var sb = s_builder ?? new StringBuilder(256);
        s_builder = null;
        try
        {
            Write(sb, value, indent, itemSeparator, keySeparator, sortKeys, ensureAscii, 0);
            return sb.ToString();
        }
        finally
        {
            if (sb.Capacity <= MaxCachedBuilder)
            {
                sb.Clear();
                s_builder = sb;
            }
        }
    }

    private static void NewLine(StringBuilder sb, string? indent, int level)
    {
        sb.Append('\n');
        for (int i = 0; i < level; i++)
        {
            sb.Append(indent);
        }
    }

    private static void Write(StringBuilder sb, object? value, string? indent, string itemSep, string keySep, bool sortKeys, bool ascii, int level)
    {
        if (level > 500)
        {
            throw new JinjaRuntimeException("RecursionError: maximum recursion depth exceeded while encoding a JSON object");
        }

        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case BigInteger big: sb.Append(PyNumber.IntToString(big)); break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Py.FloatRepr(d));
                break;
            case string s: WriteString(sb, s, ascii); break;
            case Markup m: WriteString(sb, m.Value, ascii); break;
            case PyList list:
                if (list.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }

                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(itemSep);
                    }

                    if (indent is not null)
                    {
                        NewLine(sb, indent, level + 1);
                    }

                    Write(sb, list.Items[i], indent, itemSep, keySep, sortKeys, ascii, level + 1);
                }

                if (indent is not null)
                {
                    NewLine(sb, indent, level);
                }

                sb.Append(']');
                break;
            case PyDict dict:
                {
                    if (dict.Count == 0)
                    {
                        sb.Append("{}");
                        break;
                    }

                    IEnumerable<KeyValuePair<object, object?>> items = dict.Items;
                    if (sortKeys)
                    {
                        var arr = items.ToList();
                        Py.Sort(arr, (x, y) => Py.Compare(x.Key, y.Key));
                        items = arr;
                    }

                    sb.Append('{');
                    bool first = true;
                    foreach (var kv in items)
                    {
                        if (!first)
                        {
                            sb.Append(itemSep);
                        }

                        first = false;
                        if (indent is not null)
                        {
                            NewLine(sb, indent, level + 1);
                        }

                        string key = kv.Key switch
                        {
                            string s => s,
                            Markup m => m.Value,
                            bool b => b ? "true" : "false",
                            long l => l.ToString(CultureInfo.InvariantCulture),
                            BigInteger big => PyNumber.IntToString(big),
                            double d => double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Py.FloatRepr(d),
                            null => "null",
                            _ => throw Py.TypeError($"keys must be str, int, float, bool or None, not {Py.TypeName(kv.Key)}"),
                        };
                        WriteString(sb, key, ascii);
                        sb.Append(keySep);
                        Write(sb, kv.Value, indent, itemSep, keySep, sortKeys, ascii, level + 1);
                    }

                    if (indent is not null)
                    {
                        NewLine(sb, indent, level);
                    }

                    sb.Append('}');
                    break;
                }

            default:
                throw Py.TypeError($"Object of type {Py.TypeName(value)} is not JSON serializable");
        }
    }

    private static void WriteString(StringBuilder sb, string s, bool ascii) => PyJsonString.Write(sb, s, ascii);

    /// <summary>Converts a JSON node to template values. <paramref name="data"/> and <paramref name="keyIsFraming"/> decide whether a
    /// string is untrusted data (registered with <paramref name="taint"/>).</summary>
    public static object? FromNode(JsonNode? node, TaintTracker? taint, bool data, Func<string, bool>? keyIsFraming = null, int depth = 0)
    {
        if (depth > 256)
        {
            throw new TemplateException("The template input is nested too deeply (more than 256 levels).");
        }

        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                {
                    var dict = new PyDict(obj.Count);
                    foreach (var kv in obj)
                    {
                        string key = data ? new string(kv.Key.AsSpan()) : kv.Key;
                        bool childData = data && (keyIsFraming is null || !keyIsFraming(kv.Key));
                        if (data && key.Length > 0)
                        {
                            taint?.MarkData(key);
                        }

                        dict.Set(key, FromNode(kv.Value, taint, childData, keyIsFraming, depth + 1));
                    }

                    return dict;
                }

            case JsonArray arr:
                {
                    var list = new List<object?>(arr.Count);
                    foreach (var item in arr)
                    {
                        list.Add(FromNode(item, taint, data, keyIsFraming, depth + 1));
                    }

                    return new PyList(list);
                }

            case JsonValue value:
                if (value.TryGetValue(out string? text))
                {
                    if (data && text.Length > 0)
                    {
                        text = new string(text.AsSpan());
                        taint?.MarkData(text);
                    }

                    return text;
                }

                if (value.TryGetValue(out bool b))
                {
                    return b;
                }

                if (value.TryGetValue(out long l))
                {
                    return l;
                }

                if (value.TryGetValue(out int i))
                {
                    return (long)i;
                }

                if (value.TryGetValue(out JsonElement element))
                {
                    return FromElement(element, taint, data);
                }

                // A value created from another CLR primitive (double, decimal, DateTime, ...): read it back
                // through its JSON text, so it means what the same JSON means to Python (1.0 becomes 1).
                using (var doc = JsonDocument.Parse(value.ToJsonString()))
                {
                    return FromElement(doc.RootElement, taint, data);
                }

            default:
                throw new InvalidOperationException("Unknown JSON node type.");
        }
    }

    private static object? FromElement(JsonElement el, TaintTracker? taint, bool data)
    {
        switch (el.ValueKind)
        {
            case JsonValueKind.String:
                {
                    string s = el.GetString()!;
                    if (data && s.Length > 0)
                    {
                        s = new string(s.AsSpan());
                        taint?.MarkData(s);
                    }

                    return s;
                }

            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Number:
                {
                    string raw = el.GetRawText();
                    if (IsIntegerText(raw))
                    {
                        // Python's json.loads reads every integer as an int, however large.
                        return el.TryGetInt64(out long l) ? l : ParseBigInteger(raw);
                    }

                    return el.TryGetDouble(out double d) ? d : double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
                }

            default:
                return FromNode(JsonNode.Parse(el.GetRawText()), taint, data);
        }
    }

    private static bool IsIntegerText(string raw) => raw.AsSpan().IndexOfAny(".eE") < 0;

    private static object ParseBigInteger(string raw)
    {
        if (raw.Length - (raw.StartsWith('-') ? 1 : 0) > PyNumber.MaxStrDigits)
        {
            throw new TemplateException($"A template input holds an integer of more than {PyNumber.MaxStrDigits} digits, which Python's json.loads refuses.");
        }

        return PyNumber.Normalize(BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }
}
