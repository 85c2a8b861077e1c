using System.Globalization;
using System.Text;

namespace ToolLoop;

/// <summary>A JSON string as Python's <c>json.dumps</c> writes it: <c>"</c>, <c>\</c> and the C0 controls escaped
/// (the short forms where JSON has them), and with <c>ensure_ascii</c> every non-ASCII UTF-16 unit as <c>\uXXXX</c>.</summary>
/// <remarks>Self-contained on purpose: the samples' tiny-model writers compile this file too (linked, as they cannot see
/// the library's internals), so Python's escaping lives in one place.</remarks>
internal static class PyJsonString
{
    public static void Write(StringBuilder sb, string s, bool ensureAscii)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7e))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
