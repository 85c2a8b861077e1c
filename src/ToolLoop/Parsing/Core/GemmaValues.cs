using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>
/// Converts Gemma's argument syntax to JSON: llama.cpp's <c>gemma4_to_json</c> for delimited strings, numbers, literals,
/// objects and arrays, and Unsloth's rules (formats.md 5.2) for bare values, which the bare form always has and the
/// wrapped forms sometimes do.
/// </summary>
/// <remarks>
/// Shared by every family that writes this syntax; <c>quote</c> is the family's string delimiter (<c>&lt;|"|&gt;</c>,
/// <c>&lt;escape&gt;</c>), or <see langword="null"/> for the bare form. A bare value ends at a <c>,</c> at depth 0 (over
/// <c>{[(</c> and <c>}])</c>, outside quoted runs) that is followed by <c>KEY:</c>, or at the container's closer; in an
/// array every depth-0 comma ends an element. So <c>location:New York, NY,days:2</c> has two members and
/// <c>slots:9:15, 14:45</c> one.
/// </remarks>
internal static class GemmaValues
{
    /// <summary>
    /// Converts the object <paramref name="text"/>; nesting deeper than <paramref name="maxDepth"/> levels is not
    /// converted (the caller reports a problem; never a stack overflow).
    /// </summary>
    /// <param name="text">The arguments object.</param>
    /// <param name="quote">The string delimiter, or <see langword="null"/> for the bare form.</param>
    /// <param name="maxDepth">The nesting cap.</param>
    /// <param name="json">The JSON object.</param>
    /// <param name="properties">
    /// The tool's declared parameter names (formats.md 5.2's schema refinement), or <see langword="null"/> when the
    /// schema declares none: then a top-level bare value of plain text ends only at a <c>, KEY:</c> whose KEY is one of
    /// them, so <c>note:call me, or: later</c> stays one value. Containers, quoted runs and nested objects use rule 2.
    /// </param>
    public static bool TryConvertObject(ReadOnlySpan<char> text, string? quote, int maxDepth, out string json, IReadOnlySet<string>? properties = null)
    {
        json = "{}";
        var p = 0;
        var converted = Convert(text, quote, ref p, depth: 0, maxDepth, objectOnly: true, properties);
        if (converted is null || Skip(text, p) != text.Length)
        {
            return false;
        }

        json = converted;
        return true;
    }

    /// <summary>The parameter names <paramref name="schema"/> declares (its <c>properties</c>), or <see langword="null"/> when it declares none.</summary>
    public static IReadOnlySet<string>? DeclaredProperties(JsonElement? schema)
    {
        if (schema is not { ValueKind: JsonValueKind.Object } s || !s.TryGetProperty("properties", out var properties)
            || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in properties.EnumerateObject())
        {
            names.Add(property.Name);
        }

        return names.Count > 0 ? names : null;
    }

    /// <summary>
    /// Whether a <c>"</c> or <c>'</c> opens a quoted run (rule 4): after one of <c>: { [ ( , =</c> (the last non-space
    /// character before it), and a <c>"</c> also right after whitespace. So the apostrophe of <c>what's</c> opens nothing.
    /// </summary>
    public static bool OpensQuote(char lastNonSpace, char c, bool afterSpace)
        => lastNonSpace is ':' or '{' or '[' or '(' or ',' or '=' || (c == '"' && afterSpace);

    /// <summary>Converts the container at <paramref name="p"/> to JSON text, or <see langword="null"/> when it cannot be read.</summary>
    private static string? Convert(ReadOnlySpan<char> s, string? quote, ref int p, int depth, int maxDepth, bool objectOnly, IReadOnlySet<string>? properties = null)
    {
        // The JSON is a little longer than the text (quotes, escapes); the pooled buffer grows if it is longer still.
        using var buffer = new PooledBufferWriter(s.Length - p + ((s.Length - p) / 8) + 16);
        try
        {
            using (var w = new Utf8JsonWriter(buffer, JsonText.Relaxed))
            {
                p = Skip(s, p);
                if (p >= s.Length || !(s[p] == '{' || (!objectOnly && s[p] == '[')) || !Container(s, quote, ref p, w, depth, maxDepth, properties))
                {
                    return null;
                }
            }
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        return buffer.ToUtf8String();
    }

    private static int IndexOf(ReadOnlySpan<char> s, string value, int from)
    {
        var rel = s[from..].IndexOf(value, StringComparison.Ordinal);
        return rel < 0 ? -1 : from + rel;
    }

    private static bool Container(ReadOnlySpan<char> s, string? quote, ref int p, Utf8JsonWriter w, int depth, int maxDepth, IReadOnlySet<string>? properties = null)
    {
        if (depth >= maxDepth)
        {
            return false;
        }

        var isObject = s[p] == '{';
        var closer = isObject ? '}' : ']';
        p++;
        if (isObject)
        {
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartArray();
        }

        p = Skip(s, p);
        if (p < s.Length && s[p] == closer)
        {
            p++;
            End(w, isObject);
            return true;
        }

        while (true)
        {
            if (isObject)
            {
                if (!Key(s, quote, ref p, out var key))
                {
                    return false;
                }

                w.WritePropertyName(key);
            }

            if (!Value(s, quote, ref p, w, closer, depth, maxDepth, isObject ? properties : null))
            {
                return false;
            }

            p = Skip(s, p);
            if (p >= s.Length)
            {
                return false;
            }

            if (s[p] == closer)
            {
                p++;
                End(w, isObject);
                return true;
            }

            if (s[p] == ',')
            {
                p++;
                continue;
            }

            // FunctionGemma drops the comma after a delimited string: "<escape>a<escape>next:…" is the next member.
            if (!isObject || !IsKeyAhead(s, p))
            {
                return false;
            }
        }
    }

    private static void End(Utf8JsonWriter w, bool isObject)
    {
        if (isObject)
        {
            w.WriteEndObject();
        }
        else
        {
            w.WriteEndArray();
        }
    }

    /// <summary>Reads a key (delimited, double-quoted, or bare up to <c>:</c>) and the colon after it.</summary>
    private static bool Key(ReadOnlySpan<char> s, string? quote, ref int p, out string key)
    {
        key = string.Empty;
        p = Skip(s, p);
        if (quote is not null && s[p..].StartsWith(quote, StringComparison.Ordinal))
        {
            var end = IndexOf(s, quote, p + quote.Length);
            if (end < 0)
            {
                return false;
            }

            key = s[(p + quote.Length)..end].ToString();
            p = end + quote.Length;
        }
        else if (p < s.Length && s[p] == '"')
        {
            var end = s[(p + 1)..].IndexOf('"');
            end = end < 0 ? -1 : end + p + 1;
            if (end < 0)
            {
                return false;
            }

            key = s[(p + 1)..end].ToString();
            p = end + 1;
        }
        else
        {
            var start = p;
            while (p < s.Length && s[p] is not (':' or '}' or ','))
            {
                p++;
            }

            key = s[start..p].Trim().ToString();
        }

        p = Skip(s, p);
        if (p >= s.Length || s[p] != ':' || key.Length == 0)
        {
            return false;
        }

        p++;
        return true;
    }

    private static bool Value(ReadOnlySpan<char> s, string? quote, ref int p, Utf8JsonWriter w, char closer, int depth, int maxDepth, IReadOnlySet<string>? properties)
    {
        p = Skip(s, p);
        if (quote is not null && s[p..].StartsWith(quote, StringComparison.Ordinal))
        {
            // A delimited string: raw text, no escapes.
            var end = IndexOf(s, quote, p + quote.Length);
            if (end < 0)
            {
                return false;
            }

            w.WriteStringValue(s[(p + quote.Length)..end]);
            p = end + quote.Length;
            return true;
        }

        var start = p;
        // The schema refinement is for plain text only: a container or a quoted run ends where its brackets or quotes
        // say, and what follows it is the next member even when the model named one the schema lacks.
        var plain = p < s.Length && s[p] is not ('{' or '[' or '"' or '\'');
        p = BareEnd(s, quote, p, closer, plain ? properties : null);
        var token = s[start..p].Trim();
        return WriteBare(token, quote, w, depth, maxDepth);
    }

    /// <summary>Where the bare value starting at <paramref name="p"/> ends (rule 2), in a container closed by <paramref name="closer"/>.</summary>
    private static int BareEnd(ReadOnlySpan<char> s, string? quote, int p, char closer, IReadOnlySet<string>? properties)
    {
        var depth = 0;
        var last = ':';
        for (; p < s.Length; p++)
        {
            var c = s[p];
            if (quote is not null && c == quote[0] && s[p..].StartsWith(quote, StringComparison.Ordinal))
            {
                var end = IndexOf(s, quote, p + quote.Length);
                if (end < 0)
                {
                    return s.Length;
                }

                p = end + quote.Length - 1;
                last = c;
                continue;
            }

            if (c is '"' or '\'' && OpensQuote(last, c, p > 0 && char.IsWhiteSpace(s[p - 1])))
            {
                p = QuotedEnd(s, p) - 1;
                last = c;
                continue;
            }

            if (c is '{' or '[' or '(')
            {
                depth++;
            }
            else if (c is '}' or ']' or ')')
            {
                if (depth == 0 && c == closer)
                {
                    return p;
                }

                depth = Math.Max(0, depth - 1);
            }
            else if (c == ',' && depth == 0 && (closer == ']' || IsKeyAhead(s, p + 1, properties)))
            {
                return p;
            }

            if (!char.IsWhiteSpace(c))
            {
                last = c;
            }
        }

        return p;
    }

    /// <summary>The position after the quoted run opened at <paramref name="p"/> (backslash escapes; the same quote closes), or the text's end.</summary>
    private static int QuotedEnd(ReadOnlySpan<char> s, int p)
    {
        var q = s[p];
        for (var i = p + 1; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == q)
            {
                return i + 1;
            }
        }

        return s.Length;
    }

    /// <summary>
    /// Whether <c>WS KEY WS ":"</c> follows at <paramref name="p"/>, KEY an identifier starting with a letter or <c>_</c>
    /// (rule 2), and one of <paramref name="properties"/> when given.
    /// </summary>
    private static bool IsKeyAhead(ReadOnlySpan<char> s, int p, IReadOnlySet<string>? properties = null)
    {
        p = Skip(s, p);
        if (p >= s.Length || !(char.IsAsciiLetter(s[p]) || s[p] == '_'))
        {
            return false;
        }

        var start = p;
        while (p < s.Length && (char.IsAsciiLetterOrDigit(s[p]) || s[p] is '_' or '.' or '-'))
        {
            p++;
        }

        if (properties is not null && !properties.Contains(s[start..p].ToString()))
        {
            return false;
        }

        p = Skip(s, p);
        return p < s.Length && s[p] == ':';
    }

    /// <summary>Types a bare value: quoted, literal, number, nested container, or the raw text as a string.</summary>
    private static bool WriteBare(ReadOnlySpan<char> token, string? quote, Utf8JsonWriter w, int depth, int maxDepth)
    {
        if (token.Length >= 2 && token[0] is '"' or '\'')
        {
            if (QuotedEnd(token, 0) == token.Length && token[^1] == token[0])
            {
                w.WriteStringValue(Unescape(token[1..^1]));
                return true;
            }
        }

        if (token.SequenceEqual("true") || token.SequenceEqual("false"))
        {
            w.WriteBooleanValue(token[0] == 't');
        }
        else if (token.SequenceEqual("null"))
        {
            w.WriteNullValue();
        }
        else if (IsJsonNumber(token))
        {
            w.WriteRawValue(token, skipInputValidation: false);
        }
        else if (token.Length > 0 && token[0] is '{' or '[')
        {
            var p = 0;
            var nested = Convert(token, quote, ref p, depth + 1, maxDepth, objectOnly: false);
            if (nested is not null && p == token.Length)
            {
                w.WriteRawValue(nested, skipInputValidation: true);
            }
            else if (depth + 1 >= maxDepth)
            {
                return false;
            }
            else
            {
                w.WriteStringValue(token);
            }
        }
        else
        {
            w.WriteStringValue(token);
        }

        return true;
    }

    private static string Unescape(ReadOnlySpan<char> inner)
    {
        if (!inner.Contains('\\'))
        {
            return inner.ToString();
        }

        var sb = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
                sb.Append(inner[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => inner[i] });
            }
            else
            {
                sb.Append(inner[i]);
            }
        }

        return sb.ToString();
    }

    private static int Skip(ReadOnlySpan<char> s, int p)
    {
        while (p < s.Length && char.IsWhiteSpace(s[p]))
        {
            p++;
        }

        return p;
    }

    private static bool IsJsonNumber(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty || !(char.IsAsciiDigit(token[0]) || token[0] == '-')
            || !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(token.ToString()));
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.BytesConsumed == Encoding.UTF8.GetByteCount(token);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
