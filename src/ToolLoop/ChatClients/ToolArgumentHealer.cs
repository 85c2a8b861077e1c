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
            // Broken JSON (a cut-off object or array) is not a bare value; anything else that is not JSON at all
            // (a bare word or sentence) can still be the single string parameter.
            if (text.Length == 0 || text[0] is '{' or '[' or '"')
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

    /// <summary>Converts argument values to the types the schema declares; returns the input when nothing changed.</summary>
    public static IDictionary<string, object?> Heal(IDictionary<string, object?> arguments, JsonElement schema)
    {
        if (!TryGetProperties(schema, out var properties))
        {
            return arguments;
        }

        Dictionary<string, object?>? healed = null;
        foreach (var pair in arguments)
        {
            if (!properties.TryGetProperty(pair.Key, out var propertySchema))
            {
                continue;
            }

            var types = ToolSchemaValidator.DeclaredTypes(propertySchema);
            if (types.Count == 0)
            {
                continue;
            }

            var value = ToolLoopJson.ToElement(pair.Value);
            if (ToolSchemaValidator.Matches(value, types) || TryConvert(value, types) is not { } converted)
            {
                continue;
            }

            healed ??= new Dictionary<string, object?>(arguments, StringComparer.Ordinal);
            healed[pair.Key] = converted;
        }

        return healed ?? arguments;
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

    private static void Fill(JsonElement obj, Dictionary<string, object?> arguments)
    {
        foreach (var property in obj.EnumerateObject())
        {
            arguments[property.Name] = property.Value.Clone();
        }
    }
}
