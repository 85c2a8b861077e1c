using System.Globalization;
using System.Text;

namespace ToolLoop.TinyModels;

/// <summary>
/// Writes JSON exactly as Python's <c>json.dumps(obj, indent=1, ensure_ascii=False) + "\n"</c> does, so the
/// tiny model's JSON files are byte-identical to those of <c>shared/reference/make_tiny_genai_model.py</c>.
/// Values: <see cref="OrderedDictionary{TKey, TValue}"/> (an object, in insertion order), <see cref="System.Collections.IEnumerable"/>
/// (an array), <see cref="string"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/> and <see langword="null"/>.
/// Strings are escaped by the library's <c>PyJsonString</c> (src/ToolLoop/Templates/Jinja/PyJsonString.cs), which every
/// project that compiles this folder links too (the benchmarks, which see the library's internals, use it from there).
/// </summary>
internal static class PythonJson
{
    public static byte[] Dump(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, 0);
        sb.Append('\n');
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(sb.ToString());
    }

    private static void Write(StringBuilder sb, object? value, int depth)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case string s: PyJsonString.Write(sb, s, ensureAscii: false); break;
            case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FloatRepr(d)); break;
            case OrderedDictionary<string, object?> obj:
                if (obj.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append('{');
                bool firstKey = true;
                foreach ((string key, object? item) in obj)
                {
                    sb.Append(firstKey ? "\n" : ",\n").Append(' ', depth + 1);
                    firstKey = false;
                    PyJsonString.Write(sb, key, ensureAscii: false);
                    sb.Append(": ");
                    Write(sb, item, depth + 1);
                }

                sb.Append('\n').Append(' ', depth).Append('}');
                break;
            case System.Collections.IEnumerable items:
                bool empty = true;
                foreach (object? item in items)
                {
                    sb.Append(empty ? "[\n" : ",\n").Append(' ', depth + 1);
                    empty = false;
                    Write(sb, item, depth + 1);
                }

                sb.Append(empty ? "[]" : "\n" + new string(' ', depth) + "]");
                break;
            default:
                throw new ArgumentException($"No JSON form for {value.GetType()}.", nameof(value));
        }
    }

    // Python's repr of a float: shortest round-trip digits, always with a '.' or an exponent.
    private static string FloatRepr(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            throw new ArgumentException("Python writes NaN and Infinity, which are not JSON; the model files have none.", nameof(d));
        }

        if (d == Math.Floor(d) && Math.Abs(d) < 1e16)
        {
            return d.ToString("F1", CultureInfo.InvariantCulture);
        }

        string r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E', StringComparison.Ordinal))
        {
            // .NET writes 1E-05, Python 1e-05 (two exponent digits at least).
            string[] parts = r.Split('E');
            int exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return parts[0] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }

        return r;
    }
}
