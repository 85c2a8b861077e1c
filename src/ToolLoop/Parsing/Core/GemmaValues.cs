using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>Converts Gemma's argument syntax to JSON (llama.cpp's <c>gemma4_to_json</c>, with vLLM's tolerance for bare values).</summary>
/// <remarks>Shared by every family that writes this syntax; <c>quote</c> is the family's string delimiter.</remarks>
internal static class GemmaValues
{
    public static bool TryConvertObject(string text, string quote, out string json)
    {
        json = "{}";
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            using (var w = new Utf8JsonWriter(buffer, JsonText.Relaxed))
            {
                var p = 0;
                if (!Value(text, quote, ref p, w, topLevel: true) || Skip(text, p) != text.Length)
                {
                    return false;
                }
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        json = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        return true;
    }

    private enum Next
    {
        Error,
        More,
        Closed,
    }

    /// <summary>After a member or element: a comma means another follows, <paramref name="closer"/> ends the container.</summary>
    private static Next AfterItem(string s, ref int p, char closer)
    {
        p = Skip(s, p);
        if (p < s.Length && (s[p] == ',' || s[p] == closer))
        {
            return s[p++] == ',' ? Next.More : Next.Closed;
        }

        return Next.Error;
    }

    /// <summary>Skips whitespace and consumes <paramref name="c"/> if it comes next.</summary>
    private static bool TryConsume(string s, ref int p, char c)
    {
        p = Skip(s, p);
        if (p < s.Length && s[p] == c)
        {
            p++;
            return true;
        }

        return false;
    }

    private static int Skip(string s, int p)
    {
        while (p < s.Length && char.IsWhiteSpace(s[p]))
        {
            p++;
        }

        return p;
    }

    private static bool Value(string s, string quote, ref int p, Utf8JsonWriter w, bool topLevel = false)
    {
        p = Skip(s, p);
        if (p >= s.Length)
        {
            return false;
        }

        if (topLevel && s[p] != '{')
        {
            return false;
        }

        switch (s[p])
        {
            case '{':
                p++;
                w.WriteStartObject();
                if (TryConsume(s, ref p, '}'))
                {
                    w.WriteEndObject();
                    return true;
                }

                while (true)
                {
                    p = Skip(s, p);
                    var keyStart = p;
                    string key;
                    if (string.CompareOrdinal(s, p, quote, 0, quote.Length) == 0)
                    {
                        var end = s.IndexOf(quote, p + quote.Length, StringComparison.Ordinal);
                        if (end < 0)
                        {
                            return false;
                        }

                        key = s[(p + quote.Length)..end];
                        p = end + quote.Length;
                    }
                    else if (p < s.Length && s[p] == '"')
                    {
                        var end = s.IndexOf('"', p + 1);
                        if (end < 0)
                        {
                            return false;
                        }

                        key = s[(p + 1)..end];
                        p = end + 1;
                    }
                    else
                    {
                        while (p < s.Length && s[p] is not (':' or '}'))
                        {
                            p++;
                        }

                        key = s[keyStart..p].Trim();
                    }

                    p = Skip(s, p);
                    if (p >= s.Length || s[p] != ':' || key.Length == 0)
                    {
                        return false;
                    }

                    p++;
                    w.WritePropertyName(key);
                    if (!Value(s, quote, ref p, w))
                    {
                        return false;
                    }

                    switch (AfterItem(s, ref p, '}'))
                    {
                        case Next.More:
                            continue;
                        case Next.Closed:
                            w.WriteEndObject();
                            return true;
                        default:
                            return false;
                    }
                }

            case '[':
                p++;
                w.WriteStartArray();
                if (TryConsume(s, ref p, ']'))
                {
                    w.WriteEndArray();
                    return true;
                }

                while (true)
                {
                    if (!Value(s, quote, ref p, w))
                    {
                        return false;
                    }

                    switch (AfterItem(s, ref p, ']'))
                    {
                        case Next.More:
                            continue;
                        case Next.Closed:
                            w.WriteEndArray();
                            return true;
                        default:
                            return false;
                    }
                }

            case '"':
                // Plain JSON string (vLLM tolerance).
                var q = p + 1;
                var sb = new System.Text.StringBuilder();
                while (q < s.Length && s[q] != '"')
                {
                    if (s[q] == '\\' && q + 1 < s.Length)
                    {
                        q++;
                        sb.Append(s[q] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => s[q] });
                    }
                    else
                    {
                        sb.Append(s[q]);
                    }

                    q++;
                }

                if (q >= s.Length)
                {
                    return false;
                }

                w.WriteStringValue(sb.ToString());
                p = q + 1;
                return true;

            default:
                if (string.CompareOrdinal(s, p, quote, 0, quote.Length) == 0)
                {
                    var end = s.IndexOf(quote, p + quote.Length, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        return false;
                    }

                    w.WriteStringValue(s.AsSpan((p + quote.Length)..end));
                    p = end + quote.Length;
                    return true;
                }

                // A bare value runs to ',', '}' or ']'.
                var start = p;
                while (p < s.Length && s[p] is not (',' or '}' or ']'))
                {
                    p++;
                }

                var token = s.AsSpan(start, p - start).Trim();
                if (token.IsEmpty)
                {
                    return false;
                }

                if (token.SequenceEqual("true"))
                {
                    w.WriteBooleanValue(true);
                }
                else if (token.SequenceEqual("false"))
                {
                    w.WriteBooleanValue(false);
                }
                else if (token.SequenceEqual("null"))
                {
                    w.WriteNullValue();
                }
                else if (IsJsonNumber(token))
                {
                    w.WriteRawValue(token, skipInputValidation: false);
                }
                else
                {
                    w.WriteStringValue(token);
                }

                return true;
        }
    }

    private static bool IsJsonNumber(ReadOnlySpan<char> token)
    {
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(token.ToString());
            return doc.RootElement.ValueKind == JsonValueKind.Number;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
