using System.Globalization;
using System.Text.Json;

namespace ToolLoop;

/// <summary>Repairs the argument mistakes small models make, guided by the tool's JSON schema (feature 12).</summary>
internal static class ToolArgumentHealer
{
    /// <summary>Heals arguments whose raw text failed to parse as a JSON object.</summary>
    public static bool TryHealRaw(string raw, JsonElement schema, out Dictionary<string, object?> arguments)
    {
        arguments = [];
        var text = raw.Trim();
        JsonElement parsed;
        try
        {
            using var doc = JsonDocument.Parse(text);
            parsed = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            // An object cut off after a complete value is closed (feature 31); one cut off inside a string, a number
            // or a literal is not: the end of a value is never invented.
            if (text.Length > 0 && text[0] == '{')
            {
                return TryCloseStructure(text, out arguments);
            }

            // Other broken JSON (an array, a string cut off) is not a bare value; anything else that is not JSON at
            // all (a bare word or sentence) can still be the single string parameter.
            if (text.Length == 0 || text[0] is '[' or '"')
            {
                return false;
            }

            return TryPutUnderTarget(schema, JsonSerializer.SerializeToElement(text, ToolLoopJson.Options.GetTypeInfo(typeof(string))), arguments);
        }

        if (parsed.ValueKind == JsonValueKind.String)
        {
            var inner = parsed.GetString() ?? string.Empty;
            if (TryParseObject(inner, out var obj))
            {
                Fill(obj, arguments);
                return true;
            }
        }

        if (parsed.ValueKind == JsonValueKind.Object)
        {
            Fill(parsed, arguments);
            return true;
        }

        return parsed.ValueKind is not JsonValueKind.Array and not JsonValueKind.Undefined
            && TryPutUnderTarget(schema, parsed, arguments);
    }

    /// <summary>
    /// Closes a JSON object that was cut off after a complete value: <c>{"a": "x", "b": [1, 2]</c> becomes
    /// <c>{"a": "x", "b": [1, 2]}</c>, a trailing comma is dropped. Refuses when the text ends inside a string (key or
    /// value), a number or a literal (which might have gone on), or after a key or a colon.
    /// </summary>
    public static bool TryCloseStructure(string text, out Dictionary<string, object?> arguments)
    {
        arguments = [];
        var closers = new Stack<char>();
        var inString = false;
        var escaped = false;
        var complete = false;    // the last thing read is a whole value
        var afterComma = -1;     // index of a trailing comma to drop
        var expectValue = false; // after ':' or '[' or ',' in an array
        var inKey = false;
        var keyRead = false;     // a key was read in the current object and its ':' not yet
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                    if (inKey)
                    {
                        inKey = false;
                        keyRead = true;
                    }
                    else
                    {
                        (complete, expectValue) = (true, false);
                    }
                }

                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            switch (c)
            {
                case '{':
                    // A container cut off before its first value is not closed as empty: that would invent "nothing".
                    closers.Push('}');
                    (complete, expectValue, keyRead, afterComma) = (false, false, false, -1);
                    break;
                case '[':
                    closers.Push(']');
                    (complete, expectValue, afterComma) = (false, true, -1);
                    break;
                case '}' or ']':
                    if (closers.Count == 0 || closers.Pop() != c)
                    {
                        return false;
                    }

                    (complete, expectValue, keyRead, afterComma) = (true, false, false, -1);
                    break;
                case ':':
                    if (!keyRead)
                    {
                        return false;
                    }

                    (keyRead, expectValue, complete) = (false, true, false);
                    break;
                case ',':
                    afterComma = i;
                    (complete, expectValue) = (true, closers.Count > 0 && closers.Peek() == ']');
                    break;
                case '"':
                    inString = true;
                    inKey = closers.Count > 0 && closers.Peek() == '}' && !expectValue;
                    (complete, afterComma) = (false, -1);
                    break;
                default:
                    // A number or a literal: complete only once something follows it.
                    var end = i;
                    while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not (',' or '}' or ']'))
                    {
                        end++;
                    }

                    if (end == text.Length)
                    {
                        return false;
                    }

                    i = end - 1;
                    (complete, expectValue, afterComma) = (true, false, -1);
                    break;
            }
        }

        if (inString || keyRead || !complete || closers.Count == 0 || (expectValue && afterComma < 0 && closers.Peek() == '}'))
        {
            return false;
        }

        var closed = (afterComma >= 0 ? text[..afterComma] : text) + string.Concat(closers);
        return TryParseObject(closed, out var obj) && Fill(obj, arguments);
    }

    /// <summary>
    /// Converts argument values to the types the schema declares; returns the input when nothing changed.
    /// <paramref name="plain"/> tells whether every argument is a declared property without an <c>enum</c> that already
    /// has its declared type, so that the validator's per-argument checks would find nothing (they are then skipped).
    /// </summary>
    public static IDictionary<string, object?> Heal(IDictionary<string, object?> arguments, ToolSchemaValidator.SchemaInfo schema, out bool plain)
    {
        plain = false;
        if (schema.Properties is not { } properties)
        {
            return arguments;
        }

        var allPlain = true;
        Dictionary<string, object?>? healed = null;
        if (arguments is Dictionary<string, object?> dictionary)
        {
            // The concrete type's enumerator: no boxing on the loop's hot path.
            foreach (var pair in dictionary)
            {
                HealOne(pair, arguments, properties, ref healed, ref allPlain);
            }
        }
        else
        {
            foreach (var pair in arguments)
            {
                HealOne(pair, arguments, properties, ref healed, ref allPlain);
            }
        }

        plain = allPlain && healed is null;
        return healed ?? arguments;
    }

    private static void HealOne(KeyValuePair<string, object?> pair, IDictionary<string, object?> arguments, Dictionary<string, ToolSchemaValidator.PropertyInfo> properties, ref Dictionary<string, object?>? healed, ref bool plain)
    {
        if (!properties.TryGetValue(pair.Key, out var property))
        {
            plain = false;
            return;
        }

        plain &= !property.HasEnum;
        if (!property.HasType)
        {
            // No type declared: any value has it.
            return;
        }

        if (property.Accepts(pair.Value))
        {
            return;
        }

        plain = false;
        if (TryConvert(ToolLoopJson.ToElement(pair.Value), ToolSchemaValidator.DeclaredTypes(property.Schema)) is not { } converted)
        {
            return;
        }

        healed ??= new Dictionary<string, object?>(arguments, StringComparer.Ordinal);
        healed[pair.Key] = converted;
    }

    private static JsonElement? TryConvert(JsonElement value, IReadOnlyList<string> types)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var s = value.GetString()!.Trim();
            foreach (var type in types)
            {
                switch (type)
                {
                    case "integer" when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                        return JsonSerializer.SerializeToElement(l, ToolLoopJson.Options.GetTypeInfo(typeof(long)));
                    case "number" when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                        return JsonSerializer.SerializeToElement(d, ToolLoopJson.Options.GetTypeInfo(typeof(double)));
                    case "boolean" when bool.TryParse(s, out var b):
                        return JsonSerializer.SerializeToElement(b, ToolLoopJson.Options.GetTypeInfo(typeof(bool)));
                    case "object" or "array" when TryParse(s, out var parsed) && ToolSchemaValidator.Matches(parsed, [type]):
                        return parsed;
                    default:
                        break;
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Number && types.Contains("integer")
            && decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var whole)
            && whole == decimal.Truncate(whole))
        {
            return JsonSerializer.SerializeToElement((long)whole, ToolLoopJson.Options.GetTypeInfo(typeof(long)));
        }
        else if (value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False && types.Contains("string"))
        {
            return JsonSerializer.SerializeToElement(value.GetRawText(), ToolLoopJson.Options.GetTypeInfo(typeof(string)));
        }

        return null;
    }

    private static bool TryPutUnderTarget(JsonElement schema, JsonElement value, Dictionary<string, object?> arguments)
    {
        if (!TryGetProperties(schema, out var properties))
        {
            return false;
        }

        string? target = null;
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array && required.GetArrayLength() == 1)
        {
            target = required[0].GetString();
        }

        if (target is null)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (ToolSchemaValidator.DeclaredTypes(property.Value).Contains("string"))
                {
                    target = property.Name;
                    break;
                }
            }
        }

        if (target is null)
        {
            return false;
        }

        arguments[target] = value;
        return true;
    }

    private static bool TryGetProperties(JsonElement schema, out JsonElement properties)
    {
        properties = default;
        return schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("properties", out properties)
            && properties.ValueKind == JsonValueKind.Object;
    }

    private static bool TryParseObject(string text, out JsonElement element)
        => TryParse(text, out element) && element.ValueKind == JsonValueKind.Object;

    private static bool TryParse(string text, out JsonElement element)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            element = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }

    private static bool Fill(JsonElement obj, Dictionary<string, object?> arguments)
    {
        foreach (var property in obj.EnumerateObject())
        {
            arguments[property.Name] = property.Value.Clone();
        }

        return true;
    }
}
